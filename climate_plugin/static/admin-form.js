// Progressive enhancement of the admin forms: a select marked data-switch="<button id>" presses that
// button when it changes (the connector kind shows its own settings at once). Without this script the
// button is there to press.
document.querySelectorAll("select[data-switch]").forEach(function (select) {
  var button = document.getElementById(select.getAttribute("data-switch"));
  if (!button) { return; }
  function press() {
    if (select.form.requestSubmit) { select.form.requestSubmit(button); } else { button.click(); }
  }
  select.addEventListener("change", press);
  // A choice made while this (deferred) script was still loading fired no listener: press for it now.
  var chosen = select.options[select.selectedIndex];
  if (chosen && !chosen.defaultSelected && Array.prototype.some.call(select.options, function (o) {
    return o.defaultSelected;
  })) {
    press();
  }
});
