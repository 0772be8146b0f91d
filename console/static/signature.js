// The customer's signature drawn with a finger (or a mouse) on a canvas; the drawing is
// kept as a PNG data: URI in the hidden field beside it, which the form sends.
(function () {
  "use strict";
  function pad(box) {
    var canvas = box.querySelector("canvas");
    var field = box.querySelector("input[type=hidden]");
    var ctx = canvas.getContext("2d");
    var drawing = false;
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.strokeStyle = "#1b1f24";
    if (field.value) {  // a form shown again (refused, or restored): its signature too
      var image = new Image();
      image.onload = function () { ctx.drawImage(image, 0, 0); };
      image.src = field.value;
    }
    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return [(event.clientX - rect.left) * canvas.width / rect.width,
              (event.clientY - rect.top) * canvas.height / rect.height];
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var p = point(event);
      ctx.beginPath();
      ctx.moveTo(p[0], p[1]);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      var p = point(event);
      ctx.lineTo(p[0], p[1]);
      ctx.stroke();
      event.preventDefault();
    });
    function finish() {
      if (!drawing) { return; }
      drawing = false;
      field.value = canvas.toDataURL("image/png");
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    box.querySelector("[data-clear]").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      field.value = "";
    });
  }
  document.querySelectorAll("[data-signature]").forEach(pad);
})();
