"use strict";
// select2 (the admin's autocomplete boxes) draws its search field without a label, which a
// screen reader cannot name: each field takes the label of the select it stands for, or the
// script tag's data-label. select2 redraws the field as choices change, hence the observer.
{
  const fallback = document.currentScript.dataset.label;
  const name = (field) => {
    const select = field.closest(".select2-container")?.previousElementSibling;
    const label = select?.id && document.querySelector(`label[for="${select.id}"]`);
    return label ? label.textContent.replace(/[:：]\s*$/, "").trim() : fallback;
  };
  const labelAll = () => {
    for (const field of document.querySelectorAll(".select2-search__field:not([aria-label])")) {
      field.setAttribute("aria-label", name(field));
    }
  };
  new MutationObserver(labelAll).observe(document.documentElement, { childList: true, subtree: true });
}
