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

// A pseudonym ("[PERSON 26]" in the stored text) is shown in words ("Person 26") as a
// segment of its own that keeps the stored text in data-raw: offsets count the stored
// text, and a selection takes a pseudonym whole or not at all.
function segText(seg) {
  return seg.dataset.raw !== undefined ? seg.dataset.raw : seg.textContent;
}

function segLen(seg) {
  return cpLength(segText(seg));
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
  // Only turns that changed are built again (a coding changes one or two), and the box
  // keeps the reader's place.
  const top = root.scrollTop;
  if (root.dataset.tid !== data.tid) turns.replaceChildren();
  root.dataset.tid = data.tid;
  root.classList.toggle("qk-selectable", !!data.selectable);
  let saved = null;
  const old = Array.from(turns.children);
  data.turns.forEach((turn, k) => {
    const sig = JSON.stringify(turn);
    const kept = old[k];
    if (kept && kept._qkSig === sig) {
      if (turn.saved) saved = { section: kept, text: turn.saved, at: turn.at };
      return;
    }
    const section = el("section", "qk-turn qk-" + turn.kind);
    section._qkSig = sig;
    section.dataset.turn = String(turn.i);
    // Each turn is a heading, so that screen-reader users can jump from turn to turn;
    // its name says the turn's number and who is speaking.
    const head = el("h3", "qk-speaker");
    head.setAttribute("aria-label", "Turn " + turn.n + ", " + turn.speaker);
    head.setAttribute("tabindex", "-1");
    section._qkSentences = turn.ss || [];
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
      if (item.raw !== undefined) {
        seg.dataset.raw = item.raw;
        seg.classList.add("qk-pseudonym");
      }
      if (item.d) seg.dataset.d = String(item.d);
      if (item.p) seg.classList.add("qk-pending");
      if (item.f) seg.classList.add("qk-focus");
      body.appendChild(seg);
    }
    section.appendChild(body);
    if (turn.codes && turn.codes.length) {
      section.appendChild(el("p", "qk-codes", "Codes here: " + turn.codes.join("; ")));
    }
    if (turn.saved) saved = { section: section, text: turn.saved, at: turn.at };
    if (kept) kept.replaceWith(section);
    else turns.appendChild(section);
  });
  for (const extra of old.slice(data.turns.length)) extra.remove();
  root.scrollTop = top;
  // What was just saved goes in the live region, shown at the end of the coded turn; the
  // transcript box (not the page) scrolls to bring it into view, and focus goes to the
  // text that was coded, so the keyboard carries on from there.
  live.textContent = saved ? saved.text : "";
  live.classList.toggle("qk-saved", !!saved);
  if (saved) {
    saved.section.appendChild(live);
    const box = root.getBoundingClientRect();
    const note = live.getBoundingClientRect();
    if (note.bottom > box.bottom || note.top < box.top) {
      root.scrollTop += note.bottom - box.bottom + box.height / 3;
    }
    let target = null;
    for (const seg of saved.section.querySelectorAll(".qk-seg")) {
      if (Number(seg.dataset.s) <= saved.at) target = seg;
    }
    target = target || saved.section.querySelector(".qk-seg");
    if (target) {
      target.setAttribute("tabindex", "-1");
      target.classList.add("qk-just-saved");
      target.focus({ preventScroll: true });
    }
    const shown = live.getBoundingClientRect();
    if (shown.top < 0 || shown.bottom > window.innerHeight) {
      live.scrollIntoView({ block: "nearest" });
    }
  }
}

// Code-point offset of a selection boundary. Boundaries outside a segment (on a speaker
// label or a code tag) snap to the nearest segment inside the selection.
function boundaryOffset(root, node, offset, isStart) {
  if (node.nodeType === Node.TEXT_NODE) {
    const parent = node.parentElement;
    if (parent && parent.classList.contains("qk-seg") && root.contains(parent)) {
      if (parent.dataset.raw !== undefined) {
        const whole = isStart ? offset < node.data.length : offset > 0;
        return Number(parent.dataset.s) + (isStart === whole ? 0 : segLen(parent));
      }
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
  return last ? Number(last.dataset.s) + segLen(last) : null;
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

// -- moving through the transcript from the keyboard -----------------------------------
//
// Arrow Down and Up go from turn to turn (focus on the turn's heading, the turn selected);
// Arrow Right and Left go through the turn's sentences; Shift with Right or Left makes the
// selection a word longer or shorter; Enter (or C) takes the selection and moves to the
// codes box. A selection is shown as the browser's own text selection.

// The text node and UTF-16 offset at code-point offset ``off`` inside ``section``.
function pointAt(section, off) {
  let last = null;
  for (const seg of section.querySelectorAll(".qk-seg")) {
    const s = Number(seg.dataset.s);
    const node = seg.firstChild;
    if (!node) continue;
    if (seg.dataset.raw !== undefined) {
      const n = segLen(seg);
      if (off >= s && off <= s + n) return [node, off > s ? node.data.length : 0];
      if (s <= off) last = [node, node.data.length];
      continue;
    }
    const chars = Array.from(node.data);
    if (off >= s && off <= s + chars.length) {
      return [node, chars.slice(0, off - s).join("").length];
    }
    if (s <= off) last = [node, node.data.length];
  }
  return last;
}

function selectSpan(section, start, end) {
  const a = pointAt(section, start);
  const b = pointAt(section, end);
  if (!a || !b) return;
  const range = document.createRange();
  range.setStart(a[0], a[1]);
  range.setEnd(b[0], b[1]);
  const sel = document.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
}

function turnSpan(section) {
  const segs = section.querySelectorAll(".qk-seg");
  if (!segs.length) return null;
  const last = segs[segs.length - 1];
  return [Number(segs[0].dataset.s), Number(last.dataset.s) + segLen(last)];
}

// Which turn (and sentence, -1 for the whole turn) the focus is on.
function cursorOf(root) {
  const active = document.activeElement;
  if (!active || !root.contains(active)) return null;
  const section = active.closest("section.qk-turn");
  if (!section) return null;
  if (root._qkCursor && root._qkCursor.section === section) return root._qkCursor;
  let sent = -1;
  if (active.classList.contains("qk-seg")) {
    const at = Number(active.dataset.s);
    sent = section._qkSentences.findIndex((ss) => ss[0] <= at && at < ss[1]);
  }
  return { section: section, sent: sent };
}

function moveTo(root, section, sent) {
  const head = section.querySelector(".qk-speaker");
  root._qkCursor = { section: section, sent: sent };
  head.focus({ preventScroll: true });
  const ss = section._qkSentences;
  const span = sent >= 0 && sent < ss.length ? ss[sent] : turnSpan(section);
  if (span) selectSpan(section, span[0], span[1]);
  const box = root.getBoundingClientRect();
  const r = section.getBoundingClientRect();
  if (r.top < box.top || r.top > box.bottom - 40) {
    root.scrollTop += r.top - box.top - 8;
  }
}

// The end of the selection one word later (forward) or earlier, inside the turn: a word
// is a run of letters, digits and apostrophes; punctuation after the last word is left out.
function stepEnd(section, start, end, forward) {
  const span = turnSpan(section);
  if (!span) return end;
  let text = "";
  // A pseudonym counts as one word.
  for (const seg of section.querySelectorAll(".qk-seg")) {
    text += seg.dataset.raw !== undefined ? "x".repeat(segLen(seg)) : seg.textContent;
  }
  const chars = Array.from(text);
  const word = (i) => /[\p{L}\p{N}'’]/u.test(chars[i - span[0]] || "");
  let e = end;
  if (forward) {
    while (e < span[1] && !word(e)) e += 1;
    while (e < span[1] && word(e)) e += 1;
  } else {
    while (e > start && !word(e - 1)) e -= 1; // trailing punctuation and spaces
    while (e > start && word(e - 1)) e -= 1; // the last word
    while (e > start && !word(e - 1)) e -= 1; // the space and punctuation before it
    if (e <= start) return end; // keep at least one word
  }
  return e;
}

function firstVisibleTurn(root) {
  const box = root.getBoundingClientRect();
  for (const section of root.querySelectorAll("section.qk-turn")) {
    if (section.getBoundingClientRect().bottom > box.top + 4) return section;
  }
  return root.querySelector("section.qk-turn");
}

// Put the focus in the codes box once the page has been drawn again.
function focusCodesWhenReady(root, version) {
  let tries = 0;
  const timer = window.setInterval(() => {
    tries += 1;
    const busy =
      document.querySelector('[data-stale="true"]') ||
      document.querySelector('[data-testid="stApp"][data-test-script-state="running"]');
    const box = document.querySelector('input[role="combobox"][aria-label="Codes"]');
    if ((!busy && box && root.dataset.version !== version) || tries > 100) {
      window.clearInterval(timer);
      if (box) box.focus();
    }
  }, 50);
}

// The meaning of the code highlighted in the codes box (by the arrow keys, by typing or
// under the mouse) is shown beside the list of codes, and is the highlighted option's
// accessible description, so that a screen reader reads it after the code's name.
// ``defs`` maps what the list shows (a code's label) to its meaning in plain words.
function explainPicker(defs) {
  let box = document.getElementById("qk-code-def");
  if (!box) {
    box = el("div", "qk-code-def");
    box.id = "qk-code-def";
    box.hidden = true;
    document.body.appendChild(box);
  }
  let described = null;
  const hide = () => {
    box.hidden = true;
    box.dataset.name = "";
    if (described) described.removeAttribute("aria-describedby");
    described = null;
  };
  const update = () => {
    const input = document.querySelector('input[role="combobox"][aria-label="Codes"]');
    const open = input && input.getAttribute("aria-expanded") === "true";
    const list = open && document.getElementById(input.getAttribute("aria-controls") || "");
    if (!list) return hide();
    // The option under the mouse once the mouse has moved over the list; otherwise (and
    // after any key) the one the keys highlight.
    const hovered = viaMouse && list.querySelector('[role="option"][data-hovered="true"]');
    const id = input.getAttribute("aria-activedescendant");
    const option = hovered || (id ? document.getElementById(id) : null);
    const name = option ? option.textContent.trim() : "";
    const meaning = name ? defs[name] : "";
    if (!meaning) return hide();
    if (box.dataset.name !== name) {
      box.replaceChildren(el("strong", "", name), el("span", "", meaning));
      box.dataset.name = name;
    }
    if (described !== option) {
      if (described) described.removeAttribute("aria-describedby");
      option.setAttribute("aria-describedby", box.id);
      described = option;
    }
    box.hidden = false;
    // Beside the list, never over the codes box: to its left if there is room (on a wide
    // screen, over the transcript), else below the list and the box, else above them.
    const r = list.getBoundingClientRect();
    const b = input.getBoundingClientRect();
    const top0 = Math.min(r.top, b.top);
    const bottom0 = Math.max(r.bottom, b.bottom);
    const roomLeft = r.left - 12;
    const width = Math.min(roomLeft >= 260 ? roomLeft : Math.max(r.width, 260), 448, window.innerWidth - 8);
    box.style.width = width + "px";
    const h = box.offsetHeight;
    let left;
    let top;
    if (roomLeft >= 260) {
      left = r.left - width - 8;
      top = Math.min(Math.max(4, r.top), window.innerHeight - h - 4);
    } else {
      left = Math.max(4, Math.min(r.left, window.innerWidth - width - 4));
      top = bottom0 + 4;
      if (top + h > window.innerHeight) top = top0 - h - 4;
    }
    box.style.left = Math.max(4, left) + "px";
    box.style.top = Math.max(0, top) + "px";
  };
  let viaMouse = false;
  const onKey = () => {
    viaMouse = false;
  };
  const onMove = (event) => {
    const over = event.target instanceof Element && event.target.closest('[role="listbox"]');
    if (over && !viaMouse) {
      viaMouse = true;
      update();
    }
  };
  document.addEventListener("keydown", onKey, true);
  document.addEventListener("pointermove", onMove, true);
  const watch = new MutationObserver(update);
  watch.observe(document.body, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["aria-activedescendant", "aria-expanded", "data-hovered"],
  });
  return () => {
    watch.disconnect();
    document.removeEventListener("keydown", onKey, true);
    document.removeEventListener("pointermove", onMove, true);
    hide();
  };
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
    // The transcript scrolls inside its own box; it can take focus so that the keyboard
    // can move through it (arrow keys: see above) and scroll it (Page Up, Page Down).
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
    if (!off) return false;
    const sig = off.start + "-" + off.end + "@" + root.dataset.version + (exact ? "x" : "");
    if (sig === last) return false;
    last = sig;
    setTriggerValue("selected", { start: off.start, end: off.end, tid: data.tid, exact: !!exact });
    return true;
  };
  const onPointerUp = (event) => {
    const exact = event.altKey;
    window.setTimeout(() => report(exact), 0);
  };
  const onKeyDown = (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key;
    const turns = Array.from(root.querySelectorAll("section.qk-turn"));
    const cur = cursorOf(root);
    if ((key === "ArrowDown" || key === "ArrowUp") && !event.shiftKey) {
      event.preventDefault();
      let i = cur ? turns.indexOf(cur.section) : -1;
      if (i < 0) {
        const first = firstVisibleTurn(root);
        if (first) moveTo(root, first, -1);
        return;
      }
      i = Math.max(0, Math.min(turns.length - 1, i + (key === "ArrowDown" ? 1 : -1)));
      moveTo(root, turns[i], -1);
    } else if ((key === "ArrowRight" || key === "ArrowLeft") && cur) {
      event.preventDefault();
      const forward = key === "ArrowRight";
      if (event.shiftKey) {
        // One word more (Right) or less (Left) at the end of the selection.
        const off = selectionOffsets(root);
        if (off) selectSpan(cur.section, off.start, stepEnd(cur.section, off.start, off.end, forward));
        return;
      }
      const n = cur.section._qkSentences.length;
      const sent = Math.max(-1, Math.min(n - 1, cur.sent + (forward ? 1 : -1)));
      moveTo(root, cur.section, sent);
    } else if ((key === "Enter" || key === "c" || key === "C") && !event.shiftKey) {
      const version = root.dataset.version;
      if (report(false)) {
        event.preventDefault();
        focusCodesWhenReady(root, version);
      }
    }
  };
  // Ctrl+Enter in the codes box presses "Code this" (no need to Tab to it).
  const onPageKeyDown = (event) => {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    const active = document.activeElement;
    if (!active || active.getAttribute("aria-label") !== "Codes") return;
    const button = Array.from(document.querySelectorAll("button")).find(
      (b) => b.textContent.trim() === "Code this" && !b.disabled,
    );
    if (button) {
      event.preventDefault();
      button.click();
    }
  };
  document.addEventListener("pointerup", onPointerUp);
  document.addEventListener("keydown", onPageKeyDown, true);
  root.addEventListener("keydown", onKeyDown);
  const unexplain = data.picker ? explainPicker(data.picker) : () => {};
  const cleanup = () => {
    unexplain();
    document.removeEventListener("pointerup", onPointerUp);
    document.removeEventListener("keydown", onPageKeyDown, true);
    root.removeEventListener("keydown", onKeyDown);
    root._qkCleanup = null;
  };
  root._qkCleanup = cleanup;
  return cleanup;
}
