/* Answer out loud: record with MediaRecorder, show the level and the time, send the audio
   to the server for transcription, and put the transcript in the answer box to edit.
   Optional: read each question aloud with the browser's speech synthesis (off by default). */
(function () {
  "use strict";

  var READ_ALOUD_KEY = "ppm-read-aloud";

  function clock(seconds) {
    var s = Math.floor(seconds);
    return Math.floor(s / 60) + ":" + (s % 60 < 10 ? "0" : "") + (s % 60);
  }

  function say(status, text) {
    status.textContent = text;
  }

  function csrfToken() {
    var field = document.querySelector("form.answer-form input[name=csrf_token]");
    return field ? field.value : "";
  }

  function figureItem(f) {
    var li = document.createElement("li");
    li.className = "delivery-figure delivery-" + f.verdict;
    var value = f.unit === "seconds" ? clock(f.value) : (Math.round(f.value * 10) / 10) + " " + f.unit;
    [["delivery-name", f.name], ["delivery-value", value], ["delivery-good", "good: " + f.good],
     ["delivery-advice", f.advice]].forEach(function (pair) {
      var span = document.createElement("span");
      span.className = pair[0];
      span.textContent = pair[1];
      li.appendChild(span);
    });
    return li;
  }

  function showTranscript(result) {
    var box = document.getElementById("answer");
    var hidden = document.getElementById("recording-id");
    var preview = document.getElementById("spoken-preview");
    box.value = box.value.trim() ? box.value.trim() + "\n\n" + result.text : result.text;
    box.dispatchEvent(new Event("input"));
    if (hidden) { hidden.value = result.recording_id; }
    if (preview) {
      preview.textContent = "";
      var wrap = document.createElement("div");
      wrap.className = "delivery";
      wrap.setAttribute("data-delivery", "");
      var meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = "Spoken answer, " + clock(result.seconds) + " · transcribed by " + result.engine;
      var list = document.createElement("ul");
      list.className = "delivery-figures";
      result.figures.forEach(function (f) { list.appendChild(figureItem(f)); });
      wrap.appendChild(meta);
      wrap.appendChild(list);
      preview.appendChild(wrap);
    }
    box.focus();
  }

  function upload(panel, blob, status) {
    var data = new FormData();
    var type = blob.type || "audio/webm";
    var ext = type.indexOf("ogg") >= 0 ? "ogg" : (type.indexOf("mp4") >= 0 ? "m4a" : "webm");
    data.append("audio", blob, "answer." + ext);
    data.append("csrf_token", csrfToken());
    data.append("keep_audio", document.getElementById("keep-audio").checked ? "1" : "");
    say(status, "Transcribing your answer…");
    return fetch(panel.getAttribute("data-transcribe-url"), {
      method: "POST", body: data, credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error(body.detail || "transcription failed"); }
        return body;
      });
    }).then(function (result) {
      showTranscript(result);
      say(status, "Transcribed by " + result.engine + ". Check the answer box, correct anything misheard, then submit.");
    }).catch(function (error) {
      say(status, "Could not transcribe: " + error.message + ". Your typed answer is untouched.");
    });
  }

  function meter(stream, level) {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return function () {}; }
    var context = new Context();
    var analyser = context.createAnalyser();
    analyser.fftSize = 512;
    context.createMediaStreamSource(stream).connect(analyser);
    var samples = new Uint8Array(analyser.fftSize);
    var running = true;
    function draw() {
      if (!running) { return; }
      analyser.getByteTimeDomainData(samples);
      var peak = 0;
      for (var i = 0; i < samples.length; i++) {
        peak = Math.max(peak, Math.abs(samples[i] - 128) / 128);
      }
      level.value = peak;
      window.requestAnimationFrame(draw);
    }
    draw();
    return function () { running = false; level.value = 0; context.close(); };
  }

  function setUpRecorder(panel) {
    var start = document.getElementById("record-start");
    var stop = document.getElementById("record-stop");
    var time = document.getElementById("record-time");
    var level = document.getElementById("record-level");
    var status = document.getElementById("record-status");
    var recorder = null, chunks = [], began = 0, ticker = null, stopMeter = null;

    if (!navigator.mediaDevices || !window.MediaRecorder) {
      return;  /* no recorder: the upload form below still works */
    }
    panel.hidden = false;

    start.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        chunks = [];
        recorder = new MediaRecorder(stream);
        recorder.addEventListener("dataavailable", function (event) {
          if (event.data && event.data.size) { chunks.push(event.data); }
        });
        recorder.addEventListener("stop", function () {
          stream.getTracks().forEach(function (track) { track.stop(); });
          window.clearInterval(ticker);
          if (stopMeter) { stopMeter(); }
          upload(panel, new Blob(chunks, { type: recorder.mimeType }), status).then(function () {
            start.hidden = false;
            stop.hidden = true;
            start.disabled = false;
          });
        });
        recorder.start(1000);
        began = Date.now();
        ticker = window.setInterval(function () { time.textContent = clock((Date.now() - began) / 1000); }, 250);
        stopMeter = meter(stream, level);
        start.hidden = true;
        stop.hidden = false;
        stop.focus();
        say(status, "Recording… press Stop when you have finished your answer.");
      }).catch(function () {
        say(status, "The microphone is not available. Allow it for this page, or upload a recording below.");
      });
    });

    stop.addEventListener("click", function () {
      if (recorder && recorder.state !== "inactive") {
        stop.disabled = true;
        recorder.stop();
        window.setTimeout(function () { stop.disabled = false; }, 500);
      }
    });
  }

  function setUpReadAloud() {
    var box = document.getElementById("read-aloud");
    var question = document.getElementById("current-question-text");
    if (!box || !question || !window.speechSynthesis) {
      if (box) { box.parentNode.hidden = true; }
      return;
    }
    var on = false;
    try { on = window.localStorage.getItem(READ_ALOUD_KEY) === "1"; } catch (e) { on = false; }
    box.checked = on;
    function speak() {
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(new SpeechSynthesisUtterance(question.textContent.trim()));
    }
    box.addEventListener("change", function () {
      try { window.localStorage.setItem(READ_ALOUD_KEY, box.checked ? "1" : "0"); } catch (e) { /* private mode */ }
      if (box.checked) { speak(); } else { window.speechSynthesis.cancel(); }
    });
    if (on) { speak(); }
  }

  function init() {
    var panel = document.querySelector("[data-recorder]");
    if (panel) { setUpRecorder(panel); }
    setUpReadAloud();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
