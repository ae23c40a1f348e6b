// Before printing, every plotly chart drawn at the screen's width is made to scale to the
// paper's width: its SVG layers get a viewBox of their drawn size and stretch to 100 % of the
// printed column (print.css), keeping their proportions. While print media apply, a chart that
// plotly redraws (a new width or height) gets its viewBox again. After printing the charts are
// put back as they were. Static: no data in this file.
(function () {
  if (window.qdPrintFit) return;
  window.qdPrintFit = true;
  var watcher = null;
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
    if (!watcher && window.MutationObserver) {
      watcher = new MutationObserver(fit);
      watcher.observe(document.body, {subtree: true, childList: true, attributes: true,
                                      attributeFilter: ['width', 'height']});
    }
  }
  function unfit() {
    if (watcher) { watcher.disconnect(); watcher = null; }
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
