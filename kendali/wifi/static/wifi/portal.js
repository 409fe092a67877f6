// Captive portal: after the portal issued a credential, post it to the hotspot router's
// login URL automatically (the button stays for browsers without JavaScript).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-autosubmit]");
  if (form) {
    window.setTimeout(function () { form.submit(); }, 300);
  }
});
