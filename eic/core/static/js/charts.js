/* Draws every <canvas data-chart="{...}"> with the vendored Chart.js. The figures come from the server, already
   rounded and with small counts removed; the table beside each chart carries the same figures for screen readers
   and for printing. Spec: {type: "bar"|"line", labels: [...], datasets: [{label, data, kind?}], horizontal?,
   percent?, stacked?}. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var palette = ["#1f6f8b", "#e07a1f", "#4c956c", "#b23a48", "#7b5ea7", "#8a8a8a"];
  var locale = document.documentElement.lang || "en";
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = JSON.parse(canvas.getAttribute("data-chart"));
    var datasets = spec.datasets.map(function (d, i) {
      var colour = d.colour || palette[i % palette.length];
      return {label: d.label, data: d.data, type: d.kind || spec.type, borderColor: colour,
              backgroundColor: (d.kind || spec.type) === "line" ? colour : colour + "cc",
              borderDash: d.dashed ? [6, 4] : [], pointRadius: 2, spanGaps: true, fill: false};
    });
    var valueAxis = {beginAtZero: true, stacked: !!spec.stacked,
                     ticks: {callback: function (v) { return spec.percent ? v + "%" : v.toLocaleString(locale); }}};
    var scales = spec.horizontal ? {x: valueAxis, y: {stacked: !!spec.stacked}}
                                 : {y: valueAxis, x: {stacked: !!spec.stacked}};
    new Chart(canvas, {
      type: spec.type,
      data: {labels: spec.labels, datasets: datasets},
      options: {indexAxis: spec.horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false,
                animation: false, locale: locale, scales: scales,
                plugins: {legend: {position: "bottom"}}}
    });
  });
}());
