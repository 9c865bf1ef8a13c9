// 育成指標の網羅状況: the radar chart by area (Chart.js), drawn from the JSON block that the
// page writes with json_script (the CSP forbids inline scripts).
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("coverage-radar");
  const source = document.getElementById("coverage-data");
  if (!canvas || !source || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  if (!data || !data.labels || data.labels.length === 0) {
    return;
  }
  new Chart(canvas, {
    type: "radar",
    data: {
      labels: data.labels,
      datasets: [
        {
          label: data.label,
          data: data.values,
          backgroundColor: "rgba(0, 23, 193, 0.2)",
          borderColor: "#0017c1",
          pointBackgroundColor: "#0017c1",
        },
      ],
    },
    options: {
      animation: false,
      scales: { r: { min: 0, max: 100, ticks: { stepSize: 25 } } },
      plugins: { legend: { display: true } },
    },
  });
  canvas.dataset.ready = "true";
});
