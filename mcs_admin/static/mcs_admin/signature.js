// Signature boxes (mcs_admin/signatures.py): signature_pad draws on each canvas with touch, pen
// or mouse (pointer events) and the hidden input gets a PNG data URL at the end of each stroke.
// The canvas is as wide as its container, at the screen's device pixel ratio so lines are sharp.
for (const box of document.querySelectorAll("[data-signature]")) {
  const canvas = box.querySelector("canvas");
  const input = box.querySelector("input[type=hidden]");
  const pad = new SignaturePad(canvas, { minWidth: 1, maxWidth: 3, penColor: "#000" });

  const store = () => {
    input.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
  };

  const resize = () => {
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const width = canvas.offsetWidth;
    const height = canvas.offsetHeight;
    if (canvas.width === width * ratio && canvas.height === height * ratio) return;
    const strokes = pad.toData();
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    if (strokes.length) {
      pad.fromData(strokes);
      store();
    } else if (input.value) {
      // sent back with another field's error: the drawing is shown again as it was
      pad.fromDataURL(input.value, { ratio, width, height });
    }
  };

  pad.addEventListener("endStroke", store);
  box.querySelector("[data-signature-clear]").addEventListener("click", () => {
    pad.clear();
    input.value = "";
  });
  window.addEventListener("resize", resize);
  resize();
}
