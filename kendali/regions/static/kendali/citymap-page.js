(function () { "use strict"; var el = document.getElementById("citymap"); if (el) { window.Kendali.cityMap(el); } })();
