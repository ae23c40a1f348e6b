// Before printing, every plotly chart drawn at the screen's width is made to scale to the
// paper's width: its SVG layers get a viewBox of their drawn size and stretch to 100 % of the
// printed column (print.css), keeping their proportions. After printing the charts are put
// back as they were. Static: no data in this file.
(function () {
  if (window.qdPrintFit) return;
  window.qdPrintFit = true;
  function fit() {
    document.querySelectorAll('.js-plotly-plot .svg-container').forEach(function (box) {
      var svg = box.querySelector('svg.main-svg');
      if (!svg) return;
      var w = parseFloat(svg.getAttribute('width')), h = parseFloat(svg.getAttribute('height'));
      if (!w || !h) return;
      box.querySelectorAll('svg.main-svg').forEach(function (layer) {
        layer.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
      });
      box.style.setProperty('--qd-aspect', w + ' / ' + h);
      box.classList.add('qd-print-fit');
    });
  }
  function unfit() {
    document.querySelectorAll('.qd-print-fit').forEach(function (box) {
      box.classList.remove('qd-print-fit');
      box.querySelectorAll('svg.main-svg').forEach(function (layer) {
        layer.removeAttribute('viewBox');
      });
    });
  }
  window.addEventListener('beforeprint', fit);
  window.addEventListener('afterprint', unfit);
  var media = window.matchMedia('print');
  media.addEventListener('change', function (e) { if (e.matches) { fit(); } else { unfit(); } });
})();
