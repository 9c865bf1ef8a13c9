// 健康診断 grid: Enter moves to the same column of the next pupil (Shift+Enter: the one
// above) instead of sending the form; Tab keeps its usual order, row by row.
(function () {
  "use strict";
  var grid = document.getElementById("health-grid");
  if (!grid) return;
  grid.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || !input.matches("input[data-col]")) return;
    event.preventDefault();
    var row = input.closest("tr");
    var next = event.shiftKey ? row.previousElementSibling : row.nextElementSibling;
    if (!next) return;
    var target = next.querySelector('input[data-col="' + input.dataset.col + '"]');
    if (target) { target.focus(); target.select(); }
  });
})();
