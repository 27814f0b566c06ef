// The animated step explainer: a conv filter's (or a pooling channel's) window walking over the layer's input,
// the output filling in cell by cell, and the numbers of the current step. Every number comes from the server
// (one walk, computed once); play, pause, step and speed run here, in the browser.

export function floats(text) {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

function colour(table, value, low, high) {
  const t = high > low ? (value - low) / (high - low) : 0;
  const rgb = table[Math.max(0, Math.min(255, Math.round(t * 255)))];
  return `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
}

export function fmt(value) {
  if (!Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 0.01 || abs >= 1000) ? value.toExponential(2) : value.toFixed(Math.abs(value) >= 100 ? 1 : 3);
}

export function short(value) {
  // A cell's number in at most 5 characters: whole numbers as they are, others to two decimals.
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 0.005 || abs === 0) return value.toFixed(2);
  return value.toExponential(0);
}

export function stepAt(data, k) {
  // Step k (0-based, row-major over the output): the output cell it fills and the window's top-left corner.
  const outW = data.out_shape[1];
  return { row: Math.floor(k / outW), col: k % outW, top: data.origins[2 * k], left: data.origins[2 * k + 1] };
}

export function windowValues(data, inputs, channel, top, left) {
  // The input values under the window, row by row; NaN where it hangs over the padding.
  const [inH, inW] = data.in_shape;
  const [kh, kw] = data.window;
  const values = [];
  for (let r = 0; r < kh; r += 1) {
    for (let c = 0; c < kw; c += 1) {
      const row = top + r;
      const col = left + c;
      values.push(row < 0 || col < 0 || row >= inH || col >= inW ? NaN : inputs[(channel * inH + row) * inW + col]);
    }
  }
  return values;
}

export function kernelOf(data, kernel, channel) {
  // One input channel's kernel weights, row by row.
  const size = data.window[0] * data.window[1];
  return Array.from(kernel.slice(channel * size, (channel + 1) * size));
}

export function products(values, weights) {
  // Window x kernel, cell by cell: padding counts as zero.
  return values.map((v, i) => (Number.isFinite(v) ? v : 0) * weights[i]);
}

export function numbersLine(data, arrays, k) {
  // The sentence under the panels for step k, as [text before the result, the result, text after].
  const { row, col, top, left } = stepAt(data, k);
  const { out } = arrays;
  if (data.mode === "conv") {
    const { sums, rest, pre } = arrays;
    const spelled = Array.from({ length: data.spelled }, (_, c) => fmt(sums[k * data.spelled + c]));
    const others = data.channels > data.spelled ? ` + ${fmt(rest[k])} (the other ${data.channels - data.spelled})` : "";
    const channels = data.channels === 1 ? "the 1 input channel" : `each of the ${data.channels} input channels`;
    return [
      `Sum of window × kernel for ${channels}: ${spelled.join(" + ")}${others} = ${fmt(pre[k] - data.bias)}; ` +
        `plus the bias ${fmt(data.bias)} = ${fmt(pre[k])}; ${data.activation}(${fmt(pre[k])}) = `,
      fmt(out[k]),
      `: the value at row ${row}, column ${col} of map ${data.index}.`,
    ];
  }
  const real = windowValues(data, arrays.inputs, 0, top, left).filter(Number.isFinite).map(fmt);
  return [
    `${data.kind}(${real.join(", ")}) = `,
    fmt(out[k]),
    `: the value at row ${row}, column ${col} of channel ${data.index}. Pooling has no weights: it only summarises.`,
  ];
}

export function decode(data) {
  // The payload's base64 arrays as Float32Arrays (absent ones as null).
  const arrays = {};
  for (const name of ["inputs", "out", "kernel", "sums", "rest", "pre"]) arrays[name] = data[name] ? floats(data[name]) : null;
  return arrays;
}

function setup(component) {
  const { data, parentElement } = component;
  const root = parentElement.querySelector(".wk");
  const scale = data.scale || 1;
  root.style.setProperty("--wk-font", `${Math.round(14 * scale)}px`);
  const identity = `${data.layer}/${data.index}/${data.mode}/${data.out.length}`;
  const state = root.__state && root.__state.identity === identity ? root.__state : {
    identity, step: 0, playing: false, speed: 4, channel: 0, timer: null,
  };
  if (state.timer) { clearInterval(state.timer); state.timer = null; }
  root.__state = state;

  const [inH, inW] = data.in_shape;
  const [outH, outW] = data.out_shape;
  const [kh, kw] = data.window;
  const steps = outH * outW;
  const arrays = decode(data);
  const { inputs, out, kernel } = arrays;
  const tables = data.colours;
  const inTable = tables[data.input_colours];
  const filled = new Float32Array(steps).fill(NaN);
  root.__filled = filled;
  root.__expected = out;

  root.innerHTML = "";
  const controls = document.createElement("div");
  controls.className = "wk-controls";
  root.appendChild(controls);
  function button(label, title, onClick, extra) {
    const element = document.createElement("button");
    element.type = "button";
    element.textContent = label;
    element.title = title;
    element.setAttribute("aria-label", title);
    if (extra) element.className = extra;
    element.onclick = onClick;
    controls.appendChild(element);
    return element;
  }
  button("|◀◀", "Back to the first step", () => go(0));
  button("◀", "One step back", () => go(state.step - 1));
  const play = button("▶ Play", "Play the walk", () => (state.playing ? pause() : start()), "wk-play");
  function playLabel(text, title) {
    play.textContent = text;
    play.title = title;
    play.setAttribute("aria-label", title);
  }
  button("▶|", "One step forward", () => go(state.step + 1));
  button("▶▶|", "Fill the whole map", () => go(steps - 1));
  const speed = document.createElement("select");
  speed.setAttribute("aria-label", "Speed, in steps per second");
  [1, 2, 4, 8, 16, 32].forEach((value) => {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = `${value} steps/s`;
    if (value === state.speed) option.selected = true;
    speed.appendChild(option);
  });
  speed.onchange = () => { state.speed = Number(speed.value); if (state.playing) { pause(); start(); } };
  controls.appendChild(speed);
  if (data.mode === "conv" && data.shown_channels > 1) {
    const channel = document.createElement("select");
    channel.setAttribute("aria-label", "Input channel shown");
    for (let c = 0; c < data.shown_channels; c += 1) {
      const option = document.createElement("option");
      option.value = c;
      option.textContent = `input channel ${c}`;
      if (c === state.channel) option.selected = true;
      channel.appendChild(option);
    }
    channel.onchange = () => { state.channel = Number(channel.value); render(); };
    controls.appendChild(channel);
  }
  const stepLabel = document.createElement("span");
  stepLabel.className = "wk-step";
  controls.appendChild(stepLabel);

  // Panels share the width: input, kernel, products (or the window), output side by side when they fit.
  const across = data.mode === "conv" ? 4 : 3;
  const side = Math.max(140, Math.min(260 * scale, ((root.clientWidth || 900) - 18 * across) / across - 10));
  const panels = document.createElement("div");
  panels.className = "wk-panels";
  root.appendChild(panels);
  function panel(caption) {
    const figure = document.createElement("figure");
    figure.style.width = `${side}px`;
    const canvas = document.createElement("canvas");
    const text = document.createElement("figcaption");
    text.textContent = caption;
    figure.appendChild(canvas);
    figure.appendChild(text);
    panels.appendChild(figure);
    return { canvas, text };
  }
  const pad = Math.max(0, kh - 1, kw - 1);
  const inputPanel = panel("");
  const kernelPanel = data.mode === "conv" ? panel("") : null;
  const windowPanel = panel("");
  const outputPanel = panel(`${data.layer}, ${data.mode === "conv" ? "map" : "channel"} ${data.index}: ` +
    "the output fills in step by step; click a cell to jump to it");
  const numbers = document.createElement("div");
  numbers.className = "wk-numbers";
  numbers.setAttribute("aria-live", "polite");
  root.appendChild(numbers);

  const inCell = Math.max(2, Math.floor(side / (Math.max(inH, inW) + 2 * pad)));
  inputPanel.canvas.width = (inW + 2 * pad) * inCell;
  inputPanel.canvas.height = (inH + 2 * pad) * inCell;
  const outCell = Math.max(2, Math.floor(side / Math.max(outH, outW)));
  outputPanel.canvas.width = outW * outCell;
  outputPanel.canvas.height = outH * outCell;
  outputPanel.canvas.tabIndex = 0;
  outputPanel.canvas.setAttribute("role", "img");
  outputPanel.canvas.onclick = (event) => {
    const box = outputPanel.canvas.getBoundingClientRect();
    const col = Math.floor(((event.clientX - box.left) / box.width) * outW);
    const row = Math.floor(((event.clientY - box.top) / box.height) * outH);
    go(row * outW + col);
  };
  const gridCell = Math.round(Math.max(22, Math.min(46 * scale, side / Math.max(kh, kw))));

  function value(channel, row, col) {
    if (row < 0 || col < 0 || row >= inH || col >= inW) return NaN;  // padding
    return inputs[(channel * inH + row) * inW + col];
  }

  function numberGrid(canvas, grid, table, low, high, bold) {
    canvas.width = kw * gridCell;
    canvas.height = kh * gridCell;
    const context = canvas.getContext("2d");
    context.textAlign = "center";
    context.textBaseline = "middle";
    for (let r = 0; r < kh; r += 1) {
      for (let c = 0; c < kw; c += 1) {
        const v = grid[r * kw + c];
        context.fillStyle = Number.isFinite(v) ? colour(table, v, low, high) : "#e9ecef";
        context.fillRect(c * gridCell, r * gridCell, gridCell - 1, gridCell - 1);
        const t = high > low ? (v - low) / (high - low) : 0.5;
        context.fillStyle = Number.isFinite(v) && (t < 0.3 || t > 0.8) ? "#ffffff" : "#111111";
        if (table === tables.maps) context.fillStyle = t < 0.55 ? "#ffffff" : "#111111";
        const text = Number.isFinite(v) ? short(v) : "pad";
        let size = Math.round(gridCell * 0.34);
        do {
          context.font = `${bold === r * kw + c ? "bold " : ""}${size}px sans-serif`;
          size -= 1;
        } while (size > 7 && context.measureText(text).width > gridCell - 4);
        context.fillText(text, c * gridCell + gridCell / 2, r * gridCell + gridCell / 2);
      }
    }
  }

  function render() {
    const k = state.step;
    const { row, col, top, left } = stepAt(data, k);
    const channel = state.channel;
    root.dataset.step = String(k);
    stepLabel.textContent = `step ${k + 1} of ${steps} · output row ${row}, column ${col}`;

    // The input channel with the window outlined (it may hang over the padding).
    const ctx = inputPanel.canvas.getContext("2d");
    ctx.fillStyle = "#eef0f3";
    ctx.fillRect(0, 0, inputPanel.canvas.width, inputPanel.canvas.height);
    for (let r = 0; r < inH; r += 1) {
      for (let c = 0; c < inW; c += 1) {
        ctx.fillStyle = colour(inTable, value(channel, r, c), data.in_range[0], data.in_range[1]);
        ctx.fillRect((c + pad) * inCell, (r + pad) * inCell, inCell, inCell);
      }
    }
    ctx.strokeStyle = "#e8590c";
    ctx.lineWidth = Math.max(2, inCell / 3);
    ctx.strokeRect((left + pad) * inCell, (top + pad) * inCell, kw * inCell, kh * inCell);
    inputPanel.text.textContent = `${data.layer}'s input` + (data.channels > 1 ? `, channel ${channel}` : "") +
      `: the ${kh}x${kw} window at row ${top}, column ${left}`;

    const under = windowValues(data, inputs, channel, top, left);
    if (data.mode === "conv") {
      const weights = kernelOf(data, kernel, channel);
      const bound = data.kernel_bound;
      numberGrid(kernelPanel.canvas, weights, tables.signed, -bound, bound);
      kernelPanel.text.textContent = `kernel of filter ${data.index}, channel ${channel} (red raises, blue lowers)`;
      const cells = products(under, weights);
      const biggest = Math.max(...cells.map(Math.abs)) || 1;
      numberGrid(windowPanel.canvas, cells, tables.signed, -biggest, biggest);
      windowPanel.text.textContent = "window × kernel, cell by cell (zeros where the window covers padding)";
    } else {
      const real = under.filter(Number.isFinite);
      const best = data.kind === "max" ? under.indexOf(Math.max(...real)) : -1;
      numberGrid(windowPanel.canvas, under, tables.maps, data.in_range[0], data.in_range[1], best);
      windowPanel.text.textContent = `the window's values (${data.kind} pooling ignores padding)`;
    }

    // The output, filled up to this step.
    for (let i = 0; i < steps; i += 1) filled[i] = i <= k ? out[i] : NaN;
    root.dataset.filled = String(k + 1);
    root.dataset.done = k === steps - 1 ? "1" : "0";
    const octx = outputPanel.canvas.getContext("2d");
    for (let i = 0; i < steps; i += 1) {
      const r = Math.floor(i / outW);
      const c = i % outW;
      octx.fillStyle = i <= k ? colour(tables.maps, out[i], data.out_range[0], data.out_range[1]) : "#eef0f3";
      octx.fillRect(c * outCell, r * outCell, outCell, outCell);
    }
    octx.strokeStyle = "#e8590c";
    octx.lineWidth = Math.max(2, outCell / 3);
    octx.strokeRect(col * outCell, row * outCell, outCell, outCell);
    outputPanel.canvas.setAttribute("aria-label", `output map with ${k + 1} of ${steps} cells filled`);

    const [before, result, after] = numbersLine(data, arrays, k);
    numbers.innerHTML = "";
    const line = document.createElement("div");
    line.textContent = before;
    const bold = document.createElement("b");
    bold.textContent = result;
    line.appendChild(bold);
    line.appendChild(document.createTextNode(after));
    numbers.appendChild(line);
  }

  function go(k) {
    state.step = Math.max(0, Math.min(steps - 1, k));
    if (state.step === steps - 1 && state.playing) pause();
    render();
  }
  function start() {
    if (state.step >= steps - 1) state.step = 0;
    state.playing = true;
    playLabel("❚❚ Pause", "Pause the walk");
    state.timer = setInterval(() => go(state.step + 1), 1000 / state.speed);
  }
  function pause() {
    state.playing = false;
    playLabel("▶ Play", "Play the walk");
    if (state.timer) { clearInterval(state.timer); state.timer = null; }
  }
  render();
  if (state.playing) start();
  return () => { if (state.timer) clearInterval(state.timer); };
}

export default function (component) {
  return setup(component);
}
