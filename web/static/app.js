/* Platform PM Interview Coach — optional niceties. Every page works without this file.
   Loaded with `defer` from /static/app.js; no inline code, so a strict CSP is fine. */
(function () {
  "use strict";

  var DRAFT_PREFIX = "ppm-interview-draft:";

  function storage() {
    try {
      var s = window.localStorage;
      var probe = "__ppm_probe__";
      s.setItem(probe, "1");
      s.removeItem(probe);
      return s;
    } catch (e) {
      return null; // private mode, disabled storage, or quota: drafts are just skipped
    }
  }

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  /* Parse the ISO 8601 UTC start time. A string without an offset is treated as UTC
     (JavaScript would otherwise read it as local time), and fractions beyond
     milliseconds are trimmed so every browser accepts it. */
  function parseUtc(iso) {
    if (!iso) return NaN;
    var s = String(iso).trim().replace(" ", "T").replace(/(\.\d{3})\d+/, "$1");
    if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(s)) s += "Z";
    return Date.parse(s);
  }

  function clock(secs) {
    var h = Math.floor(secs / 3600);
    var mmss = pad(Math.floor((secs % 3600) / 60)) + ":" + pad(secs % 60);
    return h ? h + ":" + mmss : mmss;
  }

  /* When the candidate first saw this turn, on any device: the server records the first sight
     and sends the seconds since, so a reload or another browser does not restart the clock
     (and no clock difference between the two machines matters). */
  function firstSeen(elapsed) {
    var secs = parseInt(elapsed || "", 10);
    return Date.now() - (isNaN(secs) || secs < 0 ? 0 : secs) * 1000;
  }

  /* 1. The per-question countdown to the target time; past it, the overtime counts up.
        Nothing is enforced: the answer box stays open. */
  function startTimer() {
    var el = document.getElementById("timer");
    if (!el) return;
    var target = parseInt(el.getAttribute("data-target") || "", 10);
    var started = firstSeen(el.getAttribute("data-elapsed"));
    var targetText = isNaN(target) ? "" : " of " + clock(target);
    function tick() {
      var secs = Math.max(0, Math.floor((Date.now() - started) / 1000));
      if (isNaN(target)) {
        el.textContent = clock(secs) + " on this question";
      } else if (secs <= target) {
        el.textContent = clock(target - secs) + " left" + targetText;
      } else {
        el.textContent = "Over by " + clock(secs - target) + targetText + ": wrap up when ready";
        el.classList.add("timer-over");
      }
    }
    window.setInterval(tick, 1000);
    tick();
  }

  /* Stored times are UTC; show them in the reader's own time zone. */
  function localTimes() {
    Array.prototype.forEach.call(document.querySelectorAll("time[data-local]"), function (el) {
      var at = parseUtc(el.getAttribute("datetime"));
      if (isNaN(at)) return;
      el.setAttribute("title", el.textContent.trim());
      el.textContent = new Date(at).toLocaleString(undefined, {
        year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit"
      });
    });
  }

  /* A chart's date labels are UTC dates from the server; show the reader's own date. */
  function localDates() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-local-date]"), function (el) {
      var at = parseUtc(el.getAttribute("data-local-date"));
      if (isNaN(at)) return;
      el.textContent = new Date(at).toLocaleDateString(undefined, {
        year: "numeric", month: "short", day: "numeric"
      });
    });
  }

  /* The answer box takes the focus when a question appears (autofocus does it without
     script; this covers a page restored from the Back cache). */
  function focusAnswer() {
    var box = document.getElementById("answer");
    if (box && document.activeElement !== box && !document.querySelector("main .callout-error")) {
      box.focus({ preventScroll: true });
    }
  }

  /* The question picker: typing filters its options, groups and all. */
  function filterQuestions() {
    var input = document.getElementById("question-filter");
    var select = document.getElementById("question_id");
    if (!input || !select) return;
    input.hidden = false;
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        var shown = 0;
        Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
          var text = (group.label + " " + option.title + " " + option.textContent).toLowerCase();
          option.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
          if (!option.hidden) shown += 1;
        });
        group.hidden = shown === 0;
      });
    });
  }

  /* 2. Forms marked data-once submit only once: the button is disabled after the first click. */
  function guardDoubleSubmit() {
    var forms = document.querySelectorAll("form[data-once]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-submitting") === "1") {
          event.preventDefault();
          return;
        }
        form.setAttribute("data-submitting", "1");
        var buttons = form.querySelectorAll("button[type=submit], button:not([type])");
        Array.prototype.forEach.call(buttons, function (button) {
          // Disable after the browser has collected the form data.
          window.setTimeout(function () {
            button.setAttribute("data-label", button.textContent);
            button.textContent = button.id === "submit-answer" ? "Submitting…" : "Working…";
            button.disabled = true;
            button.setAttribute("aria-busy", "true");
          }, 0);
        });
      });
    });

    // Coming back with the Back button restores the page from cache: re-enable the buttons.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) return;
      Array.prototype.forEach.call(forms, function (form) {
        form.removeAttribute("data-submitting");
        var buttons = form.querySelectorAll("button[data-label]");
        Array.prototype.forEach.call(buttons, function (button) {
          button.textContent = button.getAttribute("data-label");
          button.removeAttribute("data-label");
          button.removeAttribute("aria-busy");
          button.disabled = false;
        });
      });
    });
  }

  /* 3. The answer box: word count, Ctrl/Cmd+Enter, and a local draft per interview. */
  function enhanceAnswer() {
    var textarea = document.getElementById("answer");
    if (!textarea || !textarea.form) return;
    var form = textarea.form;
    var submit = document.getElementById("submit-answer");
    var counter = document.getElementById("word-count");
    var turnInput = form.querySelector("input[name=turn]");
    var turn = turnInput ? turnInput.value : "";
    var id = form.getAttribute("data-draft-key");
    var store = id ? storage() : null;
    var key = DRAFT_PREFIX + id;

    Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (el) {
      el.hidden = false;
    });

    function countWords() {
      if (!counter) return;
      var text = textarea.value.trim();
      var n = text ? text.split(/\s+/).length : 0;
      counter.textContent = n + (n === 1 ? " word" : " words");
    }

    // Restore a draft for this same question, unless the server already re-filled the box.
    if (store && !textarea.value) {
      try {
        var saved = JSON.parse(store.getItem(key) || "null");
        if (saved && saved.turn === turn && typeof saved.text === "string") {
          textarea.value = saved.text;
        }
      } catch (e) {
        store.removeItem(key);
      }
    }
    countWords();

    var timer = null;
    function saveDraft() {
      if (!store) return;
      try {
        if (textarea.value.trim()) {
          store.setItem(key, JSON.stringify({ turn: turn, text: textarea.value, saved: Date.now() }));
        } else {
          store.removeItem(key);
        }
      } catch (e) {
        /* quota exceeded: not worth bothering the candidate */
      }
    }

    textarea.addEventListener("input", function () {
      countWords();
      window.clearTimeout(timer);
      timer = window.setTimeout(saveDraft, 400);
    });

    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        if (typeof form.requestSubmit === "function") {
          form.requestSubmit(submit || undefined); // runs validation and submit handlers
        } else if (submit) {
          submit.click();
        }
      }
    });

    form.addEventListener("submit", function () {
      window.clearTimeout(timer);
      if (store) store.removeItem(key);
    });
  }

  /* 4. Stream the current question from server-sent events when the page offers a stream.
        Forms that post to the interview say the script is on (stream=1), so the server may
        send the next page with an empty question box that this fills in. Until the turn is
        complete the answer cannot be submitted; if the model fails, the page reloads
        without streaming and shows the server's notice. */
  function optIntoStreaming() {
    Array.prototype.forEach.call(
      document.querySelectorAll("form.start-form, form.answer-form"), function (form) {
        var flag = document.createElement("input");
        flag.type = "hidden";
        flag.name = "stream";
        flag.value = "1";
        form.appendChild(flag);
      });
  }

  function reloadWithoutStream() {
    window.location.replace(window.location.pathname);
  }

  function streamQuestion() {
    var el = document.getElementById("current-question-text");
    if (!el) return;
    var url = el.getAttribute("data-stream-url");
    if (!url) return;
    if (!window.EventSource) return reloadWithoutStream();

    var submit = document.getElementById("submit-answer");
    if (submit) submit.disabled = true;
    var source = new EventSource(url);
    el.setAttribute("aria-busy", "true"); // screen readers announce the question once it is complete

    function stop() {
      source.close();
      el.setAttribute("aria-busy", "false");
      if (submit) submit.disabled = false;
    }

    source.onmessage = function (event) {
      var data;
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (data && typeof data.delta === "string") {
        el.appendChild(document.createTextNode(data.delta)); // text only, never HTML
      }
    };
    source.addEventListener("done", stop);
    /* A slow model may take minutes to grade: say so, then load the page that asks the next
       turn (which streams it in the same way). */
    source.addEventListener("grading", function (event) {
      try {
        el.textContent = JSON.parse(event.data).message; // text only, never HTML
      } catch (e) {
        return;
      }
    });
    source.addEventListener("graded", function () {
      source.close();
      window.location.replace(window.location.pathname + "?stream=1");
    });
    source.addEventListener("notice", function () {
      source.close();
      reloadWithoutStream(); // the plain page explains what happened; the answer is saved
    });
    source.onerror = function () {
      source.close();
      reloadWithoutStream(); // never let EventSource reconnect and replay the question
    };
  }

  /* 5. Print the scorecard with every collapsed answer expanded. */
  function printDetails() {
    var opened = [];
    window.addEventListener("beforeprint", function () {
      Array.prototype.forEach.call(document.querySelectorAll("details:not([open])"), function (d) {
        d.open = true;
        opened.push(d);
      });
    });
    window.addEventListener("afterprint", function () {
      opened.forEach(function (d) {
        d.open = false;
      });
      opened = [];
    });
  }

  /* 6. After a long transcript, bring the current question into view, unless a message
        at the top of the page (an error or notice) needs reading first. */
  function showCurrentQuestion() {
    var current = document.querySelector(".current");
    if (!current || window.location.hash || document.querySelector("main .callout")) return;
    if (current.getBoundingClientRect().top > window.innerHeight * 0.6) {
      current.scrollIntoView({ block: "start" });
    }
  }

  function init() {
    showCurrentQuestion();
    localTimes();
    localDates();
    startTimer();
    focusAnswer();
    filterQuestions();
    guardDoubleSubmit();
    enhanceAnswer();
    optIntoStreaming();
    streamQuestion();
    printDetails();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
