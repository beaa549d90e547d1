/* Draws the statistics charts from the JSON data island; no inline script, CSP-friendly. */
(function () {
  "use strict";
  var island = document.getElementById("chart-data");
  if (!island || typeof Chart === "undefined") { return; }
  var charts = JSON.parse(island.textContent);
  var palette = ["#0b6e4f", "#e07a1f", "#3a6ea5", "#a4262c", "#6b4fa0", "#5b6775"];

  function draw(canvas) {
    var spec = charts[canvas.getAttribute("data-chart")];
    if (!spec) { return; }
    var horizontal = spec.kind === "hbar";
    var chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (set, i) {
          return { label: set.label, data: set.data, backgroundColor: palette[i % palette.length] };
        })
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: spec.datasets.length > 1 }, title: { display: false } },
        scales: { x: { beginAtZero: true, stacked: !!spec.stacked }, y: { beginAtZero: true, stacked: !!spec.stacked } }
      }
    });
    canvas.setAttribute("data-drawn", "true");
    return chart;
  }

  Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), draw);
})();
