// The network overview: one column per layer, maps as thumbnails, vectors as bars, the output labelled.
// Hovering or focusing an item draws lines to the items of the previous column it is computed from and
// shows a conv map's kernel; a click picks the item (state "selected": {column, item}) for the details.
// Everything after the first draw happens in the browser: hovering never asks the server.

const SVG = "http://www.w3.org/2000/svg";

export function shownCount(column) {
  return column.items ? column.items.length : column.bars.length;
}

export function sources(columns, index, item) {
  // The [column, item] pairs an item is computed from, as the server listed them (ranges, first to last).
  const ranges = (columns[index].sources || [])[item] || [];
  const pairs = [];
  for (const [f, first, last] of ranges) for (let i = first; i <= last; i += 1) pairs.push([f, i]);
  return pairs;
}

export function howComputed(columns, index, pairs) {
  // The hover card's sentence: the server says which kind of sentence (column.how), the pairs fill it in.
  const column = columns[index];
  const names = column.reads.map((f) => columns[f].name);
  if (column.how === "all") return `computed from all ${pairs.length} items of ${names.join(" and ")}`;
  const parts = pairs.map(([f, i]) => `${columns[f].name}, item ${i}`);
  if (column.how === "sum") return `the sum of ${parts.join(" and ")}`;
  if (column.how === "stacked") return `${parts[0] || "an item"}, stacked with ${names.length - 1} more input(s)`;
  return `computed from ${parts.join(" and ")}`;
}

export function headText(columns, index) {
  // A column's shape line, and for a merge point (where paths meet) what it does and what it joins.
  const column = columns[index];
  if (!column.joined) return { shape: column.shape, title: column.title };
  const joined = column.reads.map((f) => columns[f].name).join(" and ");
  return { shape: `${column.joined} · ${column.shape}`, title: `${column.title}: joins ${joined}` };
}

function layoutGrid(count, width, height, gap) {
  // The number of sub-columns that gives the largest thumbnails in width x height.
  let best = { sub: 1, rows: count, size: 0 };
  for (let sub = 1; sub <= 4; sub += 1) {
    const rows = Math.ceil(count / sub);
    const size = Math.floor(Math.min((width - (sub - 1) * gap) / sub, (height - (rows - 1) * gap) / rows));
    if (size > best.size) best = { sub, rows, size };
  }
  best.size = Math.max(6, Math.min(best.size, 120));
  return best;
}

function fitHeight(root) {
  // As tall as the screen allows below the overview's top (its column heads and the caption under it
  // included), so the whole network is in view without scrolling; more room on a bigger screen.
  const top = root.getBoundingClientRect().top + window.scrollY;
  return Math.round(Math.max(200, Math.min(720, window.innerHeight - top - 92)));
}

function draw(component) {
  const { data, parentElement, setStateValue } = component;
  const root = parentElement.querySelector(".ov");
  const expanded = root.__expanded || (root.__expanded = new Set());
  const width = Math.max(root.clientWidth || parentElement.clientWidth || 800, 300);
  // Type grows with the screen (and more in presenter mode).
  const scale = (data.scale || 1) * Math.max(0.95, Math.min(1.35, width / 900));
  const gap = Math.round(10 * scale);
  root.style.setProperty("--ov-gap", `${gap}px`);
  root.style.setProperty("--ov-font", `${Math.round(12 * scale)}px`);
  root.style.setProperty("--ov-bar", `${Math.max(3, Math.round(6 * scale))}px`);
  root.innerHTML = "";
  const columns = data.columns;
  // The output column is wider: its bars carry the class names and percentages.
  const shares = columns.map((column) => (column.kind === "output" ? 1.8 : 1));
  const unit = (width - gap * (columns.length - 1)) / shares.reduce((a, b) => a + b, 0);
  const bodyHeight = data.height > 0 ? data.height : fitHeight(root);
  root.__height = bodyHeight;

  const row = document.createElement("div");
  row.className = "ov-columns";
  root.appendChild(row);
  const lines = document.createElementNS(SVG, "svg");
  lines.setAttribute("class", "ov-lines");
  root.appendChild(lines);
  const card = document.createElement("div");
  card.className = "ov-card";
  card.style.display = "none";
  root.appendChild(card);
  const cells = columns.map(() => []);

  columns.forEach((column, index) => {
    const box = document.createElement("div");
    box.className = "ov-column";
    const columnWidth = Math.floor(unit * shares[index]);
    box.style.width = `${columnWidth}px`;
    box.dataset.column = column.name;
    const head = document.createElement("div");
    head.className = "ov-head";
    head.innerHTML = `<div class="ov-name"></div><div class="ov-shape"></div>`;
    head.querySelector(".ov-name").textContent = column.label || column.name;
    const text = headText(columns, index);
    head.querySelector(".ov-shape").textContent = text.shape;
    head.title = text.title;
    if (column.joined) box.classList.add("ov-merge");  // where paths of the network meet
    box.appendChild(head);
    if (column.items) {
      const open = expanded.has(column.name);
      const shown = open ? column.items.length : Math.min(column.items.length, data.max_shown);
      const grid = layoutGrid(shown, columnWidth, bodyHeight, 3);
      const body = document.createElement("div");
      body.className = "ov-grid";
      body.style.gridTemplateColumns = `repeat(${grid.sub}, ${grid.size}px)`;
      column.items.slice(0, shown).forEach((item, position) => {
        const button = document.createElement("button");
        button.className = "ov-item";
        button.type = "button";
        button.setAttribute("aria-label", item.label);
        button.title = item.label;
        const image = document.createElement("img");
        image.src = item.src;
        image.alt = item.label;
        image.width = grid.size - 4;
        image.height = grid.size - 4;
        button.appendChild(image);
        body.appendChild(button);
        cells[index].push(button);
        wire(button, index, position);
      });
      box.appendChild(body);
      const hidden = column.total - shown;
      if (hidden > 0 || open) {
        const more = document.createElement("button");
        more.className = "ov-more";
        more.type = "button";
        more.textContent = open ? "show fewer" : `+${hidden} more`;
        more.onclick = () => {
          if (open) expanded.delete(column.name); else expanded.add(column.name);
          draw(component);
        };
        box.appendChild(more);
      }
    } else {
      const body = document.createElement("div");
      body.className = "ov-bars";
      const rowHeight = Math.max(8, Math.min(22 * scale, Math.floor(bodyHeight / Math.max(column.bars.length, 1)) - 2));
      const top = column.labels ? column.bars.indexOf(Math.max(...column.bars)) : -1;
      column.bars.forEach((value, position) => {
        const bar = document.createElement("button");
        bar.className = "ov-bar" + (position === top ? " is-top" : "");
        bar.type = "button";
        bar.style.height = `${rowHeight}px`;
        const label = column.labels ? column.labels[position] : `unit ${position}`;
        const shownValue = column.labels ? `${Math.round(value * 100)}%` : value.toFixed(2);
        bar.setAttribute("aria-label", `${column.name}, ${label}: ${shownValue}`);
        bar.title = `${column.name}, ${label}: ${shownValue}`;
        if (column.labels) {
          const name = document.createElement("span");
          name.className = "ov-label";
          name.textContent = label;
          bar.appendChild(name);
        }
        const track = document.createElement("span");
        track.className = "ov-track";
        const fill = document.createElement("span");
        fill.className = "ov-fill" + (value < 0 ? " is-negative" : "");
        fill.style.width = `${Math.max(1, Math.round((Math.abs(value) / column.scale) * 100))}%`;
        track.appendChild(fill);
        bar.appendChild(track);
        if (column.labels) {
          const number = document.createElement("span");
          number.className = "ov-value";
          number.textContent = shownValue;
          bar.appendChild(number);
        }
        body.appendChild(bar);
        cells[index].push(bar);
        wire(bar, index, position);
      });
      box.appendChild(body);
      if (column.total > column.bars.length) {
        const note = document.createElement("div");
        note.className = "ov-hint";
        note.textContent = `first ${column.bars.length} of ${column.total}`;
        box.appendChild(note);
      }
    }
    row.appendChild(box);
  });

  function clear() {
    lines.innerHTML = "";
    card.style.display = "none";
    cells.flat().forEach((cell) => cell.classList.remove("is-source", "is-target"));
  }

  function connect(index, position, withCard) {
    clear();
    const target = cells[index][position];
    if (!target) return;
    target.classList.add("is-target");
    const origin = root.getBoundingClientRect();
    lines.setAttribute("width", root.scrollWidth);
    lines.setAttribute("height", root.scrollHeight);
    const to = target.getBoundingClientRect();
    const pairs = sources(columns, index, position);
    pairs.forEach(([sourceColumn, source]) => {
      const cell = cells[sourceColumn][source];
      if (!cell) return;
      cell.classList.add("is-source");
      const from = cell.getBoundingClientRect();
      const line = document.createElementNS(SVG, "line");
      line.setAttribute("x1", from.right - origin.left);
      line.setAttribute("y1", from.top + from.height / 2 - origin.top);
      line.setAttribute("x2", to.left - origin.left);
      line.setAttribute("y2", to.top + to.height / 2 - origin.top);
      lines.appendChild(line);
    });
    if (!withCard) return;
    const column = columns[index];
    const label = column.items ? column.items[position].label : target.title;
    card.innerHTML = "";
    const title = document.createElement("div");
    title.textContent = label;
    card.appendChild(title);
    const how = document.createElement("div");
    how.className = "ov-muted";
    how.textContent = index === 0 ? "what the network receives" : howComputed(columns, index, pairs);
    card.appendChild(how);
    if (column.kernels && column.kernels[position]) {
      const kernel = document.createElement("img");
      kernel.src = column.kernels[position];
      kernel.alt = `the kernel of ${label}`;
      const scaleUp = Math.max(4, Math.floor(220 / (kernel.naturalWidth || 60)));
      kernel.onload = () => { kernel.width = Math.min(240, kernel.naturalWidth * scaleUp); };
      kernel.width = 200;
      card.appendChild(kernel);
      const note = document.createElement("div");
      note.className = "ov-muted";
      note.textContent = `its kernel, ${column.kernel_shape}, one tile per input channel (red raises, blue lowers)`;
      card.appendChild(note);
    }
    card.style.display = "block";
    const left = Math.min(to.right - origin.left + 8, root.clientWidth - 270);
    card.style.left = `${Math.max(0, left)}px`;
    card.style.top = `${Math.max(0, to.top - origin.top)}px`;
  }

  function showSelected() {
    clear();
    if (data.selected && cells[data.selected.column]) {
      const cell = cells[data.selected.column][data.selected.item];
      if (cell) {
        cell.classList.add("is-selected");
        connect(data.selected.column, data.selected.item, false);
      }
    }
  }

  function wire(element, index, position) {
    const enter = () => connect(index, position, true);
    element.addEventListener("mouseenter", enter);
    element.addEventListener("focus", enter);
    element.addEventListener("mouseleave", showSelected);
    element.addEventListener("blur", showSelected);
    element.addEventListener("click", () => {
      setStateValue("selected", { column: columns[index].name, item: position });
    });
  }

  requestAnimationFrame(showSelected);
}

export default function (component) {
  const { parentElement } = component;
  draw(component);
  const root = parentElement.querySelector(".ov");
  if (!root.__observer) {
    let width = root.clientWidth;
    root.__observer = new ResizeObserver(() => {
      if (Math.abs(root.clientWidth - width) > 4) {
        width = root.clientWidth;
        draw(root.__component);
      }
    });
    root.__observer.observe(root);
  }
  root.__component = component;
  // What is above the overview may settle after the first draw (an image loading): fit again then.
  [250, 1200].forEach((delay) => setTimeout(() => {
    if (!component.data.height && Math.abs(fitHeight(root) - (root.__height || 0)) > 16) draw(root.__component);
  }, delay));
}
