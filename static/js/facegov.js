// FaceGov's only script: the Content-Security-Policy allows no inline script, so behaviour
// that templates used to write in attributes is attached here.
"use strict";

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});
