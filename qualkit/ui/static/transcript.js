// Transcript view with mouse selection for the qualkit coding page.
//
// The page is built from the view model with textContent only: transcript text is never
// parsed as HTML. Each text segment (.qk-seg) carries data-s, the code-point offset where it
// starts in the transcript. A selection is reported to Python as code-point offsets: browser
// offsets count UTF-16 code units, so the part of a segment before the selection point is
// counted again in code points (a character outside the Basic Multilingual Plane is two
// UTF-16 units but one code point).

function cpLength(str) {
  let n = 0;
  for (const _ch of str) n += 1;
  return n;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function build(root, data) {
  const turns = root.querySelector(".qk-turns");
  // The live region is one element for the life of the view (so that screen readers
  // announce what is put in it); it is moved, not rebuilt.
  const live = root.querySelector(".qk-live");
  root.appendChild(live);
  turns.replaceChildren();
  root.dataset.tid = data.tid;
  root.classList.toggle("qk-selectable", !!data.selectable);
  let saved = null;
  for (const turn of data.turns) {
    const section = el("section", "qk-turn qk-" + turn.kind);
    section.dataset.turn = String(turn.i);
    const head = el("p", "qk-speaker");
    head.appendChild(el("span", "qk-speaker-name", turn.speaker));
    const where = "Turn " + turn.n + (turn.ts ? " · " + turn.ts : "");
    head.appendChild(el("span", "qk-turn-no", where));
    section.appendChild(head);
    const body = el("p", "qk-text");
    for (const item of turn.items) {
      if (item.tag !== undefined) {
        const tag = el("span", "qk-tag" + (item.sel ? " qk-tag-sel" : ""), "[" + item.tag + "]");
        tag.setAttribute("contenteditable", "false");
        body.appendChild(tag);
        continue;
      }
      const seg = el("span", "qk-seg", item.t);
      seg.dataset.s = String(item.s);
      if (item.d) seg.dataset.d = String(item.d);
      if (item.p) seg.classList.add("qk-pending");
      if (item.f) seg.classList.add("qk-focus");
      body.appendChild(seg);
    }
    section.appendChild(body);
    if (turn.codes && turn.codes.length) {
      section.appendChild(el("p", "qk-codes", "Codes here: " + turn.codes.join("; ")));
    }
    if (turn.saved) saved = { section: section, text: turn.saved };
    turns.appendChild(section);
  }
  // What was just saved goes in the live region, shown at the end of the coded turn; the
  // transcript box (not the page) scrolls to bring it into view.
  live.textContent = saved ? saved.text : "";
  live.classList.toggle("qk-saved", !!saved);
  if (saved) {
    saved.section.appendChild(live);
    const box = root.getBoundingClientRect();
    const note = live.getBoundingClientRect();
    if (note.bottom > box.bottom || note.top < box.top) {
      root.scrollTop += note.bottom - box.bottom + box.height / 3;
    }
  }
}

// Code-point offset of a selection boundary. Boundaries outside a segment (on a speaker
// label or a code tag) snap to the nearest segment inside the selection.
function boundaryOffset(root, node, offset, isStart) {
  if (node.nodeType === Node.TEXT_NODE) {
    const parent = node.parentElement;
    if (parent && parent.classList.contains("qk-seg") && root.contains(parent)) {
      return Number(parent.dataset.s) + cpLength(node.data.slice(0, offset));
    }
  }
  const point = document.createRange();
  point.setStart(node, offset);
  point.collapse(true);
  const segs = root.querySelectorAll(".qk-seg");
  if (isStart) {
    for (const seg of segs) {
      if (point.comparePoint(seg, 0) >= 0) return Number(seg.dataset.s);
    }
    return null;
  }
  let last = null;
  for (const seg of segs) {
    if (point.comparePoint(seg, seg.childNodes.length) <= 0) last = seg;
    else break;
  }
  return last ? Number(last.dataset.s) + cpLength(last.textContent) : null;
}

function selectionOffsets(root) {
  const sel = document.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  if (!root.contains(range.startContainer) && !root.contains(range.endContainer)) return null;
  const start = boundaryOffset(root, range.startContainer, range.startOffset, true);
  const end = boundaryOffset(root, range.endContainer, range.endOffset, false);
  if (start === null || end === null || end <= start) return null;
  return { start, end };
}

// The view arrives as UTF-8 JSON bytes (or, from older callers, as an object or a string).
function decode(raw) {
  if (!raw) return null;
  if (raw instanceof ArrayBuffer) raw = new Uint8Array(raw);
  if (ArrayBuffer.isView(raw)) raw = new TextDecoder("utf-8").decode(raw);
  if (typeof raw === "string") return JSON.parse(raw);
  return raw;
}

export default function (component) {
  const { parentElement, setTriggerValue } = component;
  const data = decode(component.data);
  if (!data || !data.turns) return;
  let root = parentElement.querySelector(".qk-transcript");
  if (!root) {
    root = el("div", "qk-transcript");
    root.setAttribute("role", "region");
    root.setAttribute("aria-label", "Transcript");
    // The transcript scrolls inside its own box; it can take focus so that the
    // keyboard can scroll it (arrow keys, Page Up and Page Down).
    root.setAttribute("tabindex", "0");
    root.appendChild(el("div", "qk-turns"));
    const live = el("div", "qk-live");
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    root.appendChild(live);
    parentElement.appendChild(root);
  }
  if (root.dataset.version !== data.version) {
    build(root, data);
    root.dataset.version = data.version;
  }
  if (!data.selectable) return;

  if (root._qkCleanup) root._qkCleanup();
  let last = "";
  // Selections snap to whole words on the Python side; holding Alt while selecting
  // keeps the exact characters (part of a word, only when asked for).
  const report = (exact) => {
    const off = selectionOffsets(root);
    if (!off) return;
    const sig = off.start + "-" + off.end + "@" + root.dataset.version + (exact ? "x" : "");
    if (sig === last) return;
    last = sig;
    setTriggerValue("selected", { start: off.start, end: off.end, tid: data.tid, exact: !!exact });
  };
  const onPointerUp = (event) => {
    const exact = event.altKey;
    window.setTimeout(() => report(exact), 0);
  };
  const onKeyUp = (event) => {
    if (event.shiftKey || event.key === "Shift") report(event.altKey);
  };
  document.addEventListener("pointerup", onPointerUp);
  root.addEventListener("keyup", onKeyUp);
  const cleanup = () => {
    document.removeEventListener("pointerup", onPointerUp);
    root.removeEventListener("keyup", onKeyUp);
    root._qkCleanup = null;
  };
  root._qkCleanup = cleanup;
  return cleanup;
}
