// Front end of aftercare.widgets.chartview.ChartCanvas (anywidget reads this file, and its
// styles in chart_canvas.css, and sends them as text: nothing is fetched from a network).
//
// A <canvas> that shows the app's chart. The model state holds a keyframe: the whole chart as
// PNG, with its frame number. Between keyframes the kernel sends patches as custom messages:
// only the rectangle of pixels that changed, as raw RGBA (small patches: no encoding in the
// kernel, no decoding here) or PNG (large ones), each with the next frame number. A view that
// misses a patch (it opened while patches were in flight) asks the kernel for a full frame.
//
// Draws happen in message order; PNG decoding is asynchronous, so draws go through a queue.

function bytesOf(buffer) {
  // ipywidgets hands buffers over as DataView (or ArrayBuffer): view the same memory.
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function decodePng(buffer) {
  return createImageBitmap(new Blob([bytesOf(buffer)], { type: "image/png" }));
}

function render({ model, el }) {
  // Styles are in chart_canvas.css (anywidget's _css): the view takes the width it is given,
  // the canvas scales down to it.
  el.classList.add("aftercare-chart-view");
  const canvas = document.createElement("canvas");
  canvas.className = "aftercare-chart";
  canvas.setAttribute("role", "img");
  el.appendChild(canvas);
  const ctx = canvas.getContext("2d");

  let latest = -1; // frame number the canvas shows once every queued draw has run
  let synced = false; // false until a whole frame is queued, and after a missed patch
  let queue = Promise.resolve();

  const enqueue = (draw) => {
    queue = queue.then(draw).catch((error) => {
      synced = false;
      console.warn("aftercare chart: could not draw an update", error);
    });
  };

  const resize = () => {
    const width = model.get("width");
    const height = model.get("height");
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
  };

  const label = () => canvas.setAttribute("aria-label", model.get("alt") || "Chart");
  // Smallest text in the chart, in CSS pixels at the canvas's own size (read by tests).
  const textSize = () => { canvas.dataset.textPx = String(model.get("text_px") || 0); };

  // The chart follows its container: report the width it has (and, on a slide, the height
  // left between its top and what the app shows below it, such as a caption) and the kernel
  // redraws the chart at that size, text at its size.
  let sent = [0, 0];
  let pending = null;
  const room = () => {
    const slides = el.closest(".reveal .slides");
    if (!slides) return Math.floor(window.innerHeight * 0.85);
    const box = slides.getBoundingClientRect();
    const scale = box.height / (slides.offsetHeight || box.height) || 1;
    const own = el.getBoundingClientRect();
    const top = (own.top - box.top) / scale;
    const holder = el.closest(".aftercare-app");
    const below = holder ? Math.max(0, holder.getBoundingClientRect().bottom - own.bottom) / scale : 0;
    return Math.floor(slides.offsetHeight - top - below - 24);
  };
  const report = () => {
    pending = null;
    const width = Math.floor(el.clientWidth);
    if (width < 50) return; // not on screen (a hidden slide or tab)
    const height = room();
    if (Math.abs(width - sent[0]) < 8 && Math.abs(height - sent[1]) < 8) return;
    sent = [width, height];
    try {
      model.send({ type: "resize", width, height });
    } catch (error) {
      sent = [0, 0]; // the kernel is gone (the page is closing): nothing to redraw
    }
  };
  const observer = new ResizeObserver(() => {
    if (pending === null) pending = setTimeout(report, 120);
  });
  observer.observe(el);
  // On a slide, the room below the chart changes when the app above it grows (another tab).
  const app = el.closest(".aftercare-app");
  if (app) observer.observe(app);
  // On a live slide, check the room once a second as well: a tab switched while the first
  // report was in flight was seen to leave the chart at the old tab's height (RISE, 1024x768).
  const poll = setInterval(() => {
    if (!el.isConnected) clearInterval(poll);
    else if (pending === null && el.closest(".reveal .slides")) report();
  }, 1000);

  const wholeFrame = (png, frame) => {
    if (!png || png.byteLength === 0) return;
    if (synced && frame <= latest) return; // already on screen through patches
    latest = frame;
    synced = true;
    enqueue(async () => {
      const bitmap = await decodePng(png);
      resize();
      ctx.drawImage(bitmap, 0, 0);
      bitmap.close();
    });
  };

  const patch = (msg, buffer) => {
    if (!synced || msg.frame !== latest + 1) {
      if (synced) {
        synced = false; // ask once; the kernel answers with a "full" message
        model.send({ type: "resync" });
      }
      return;
    }
    latest = msg.frame;
    if (msg.encoding === "rgba") {
      const bytes = bytesOf(buffer);
      const rgba = new Uint8ClampedArray(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const pixels = new ImageData(rgba, msg.w, msg.h);
      enqueue(() => ctx.putImageData(pixels, msg.x, msg.y));
    } else {
      enqueue(async () => {
        const bitmap = await decodePng(buffer);
        ctx.drawImage(bitmap, msg.x, msg.y);
        bitmap.close();
      });
    }
  };

  const onMessage = (msg, buffers) => {
    if (!msg || !buffers || buffers.length === 0) return;
    if (msg.type === "patch") patch(msg, buffers[0]);
    else if (msg.type === "full") {
      if (!synced || msg.frame > latest) {
        synced = false;
        wholeFrame(buffers[0], msg.frame);
      }
    }
  };
  const onKeyframe = () => wholeFrame(model.get("png"), model.get("frame"));

  resize();
  label();
  textSize();
  onKeyframe();
  model.on("change:png", onKeyframe);
  model.on("change:alt", label);
  model.on("change:text_px", textSize);
  model.on("change:width change:height", resize);
  model.on("msg:custom", onMessage);
  model.send({ type: "ready", frame: latest });

  return () => {
    observer.disconnect();
    if (pending !== null) clearTimeout(pending);
    model.off("change:text_px", textSize);
    model.off("change:png", onKeyframe);
    model.off("change:alt", label);
    model.off("change:width change:height", resize);
    model.off("msg:custom", onMessage);
  };
}

export default { render };
