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
    // Select2's box is named by its current choice, so an empty one has no name for a screen
    // reader: name it after its filter, once the admin has built the boxes.
    function nameBoxes() {
        $('select.autocomplete-filter').each(function() {
            const title = $(this).closest('details').data('filter-title');
            $(this).next('.select2').find('.select2-selection, .select2-selection__rendered')
                .attr('aria-label', title);
        });
    }
    $(nameBoxes);
    window.addEventListener('load', nameBoxes);
}
