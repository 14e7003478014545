'use strict';
// Apply an autocomplete list filter as soon as a choice is made (or cleared).
{
    const $ = django.jQuery;
    $(document).on('change', 'select.autocomplete-filter', function() {
        const params = new URLSearchParams(window.location.search);
        params.delete('p');
        if (this.value) {
            params.set(this.name, this.value);
        } else {
            params.delete(this.name);
        }
        window.location.search = params.toString();
    });
}
