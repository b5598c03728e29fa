/* Case search on top of Pagefind's JS API. State lives in the URL (?q=&f=地区:雁塔区&sort=date)
   so a search can be shared and restored. Results are built with DOM methods: nothing from the
   index is ever inserted as HTML. */
(function () {
  "use strict";
  // Loaded with `async` in <head>: it runs while the page is still arriving. Pagefind starts at
  // once, and a search already in the URL is run at once (index chunk and first fragments too);
  // the page's elements are wired up when they exist (ui, below). On a phone each of Pagefind's
  // files is a round trip, and starting after the theme's styles and scripts cost several.
  var script = document.currentScript;
  var root = new URL("../../", script.src); // this file lives in <site>/assets/javascripts/
  var FACETS = ["地区", "年份", "领域", "容错情形", "结果", "类型", "典型案例"];
  var ID = /^[A-Za-z]{2,6}-\d{4}-\d{3,4}$/;
  var PAGE = 10;
  // The longest query searched: a case title's limit, so a pasted title still finds its case. Each
  // two-character piece can cost an index chunk: a pasted paragraph of 1,000 characters downloaded
  // 3.2 MB and took 7 s at 1,000 cases, to find nothing (every piece must match).
  var MAX_QUERY = 60;
  var cut = false; // the last query was cut to MAX_QUERY: the status says so
  var form, input, sortSel, facetsBox, statusEl, list, more; // the page's elements, set by ui()
  var pagefind = null, allFilters = {}, current = [], shown = 0, seq = 0;
  var staticCounts = {};
  var early = null; // {key, promise}: the URL's search, begun before the page was ready; run() takes it

  function readState() {
    var p = new URLSearchParams(location.search);
    return { q: (p.get("q") || "").trim(), sort: p.get("sort") || "", f: p.getAll("f") };
  }
  function writeState(s) {
    var p = new URLSearchParams();
    if (s.q) p.set("q", s.q);
    if (s.sort) p.set("sort", s.sort);
    s.f.forEach(function (v) { p.append("f", v); });
    var qs = p.toString();
    history.replaceState(null, "", qs ? "?" + qs : location.pathname);
  }
  // Invisible format characters (zero-width space, soft hyphen, direction marks: Unicode's Cf), as
  // text copied from a web page brings them: the index holds the text without them (index.py reads
  // it as the privacy check does), so "加装\u200b电梯" found nothing exact, and a direction mark
  // turned the status line round.
  var INVISIBLE = /\p{Cf}/gu;
  function visible(q) { return q.replace(INVISIBLE, "").trim(); }
  function tooLong(q) { return Array.from(visible(q)).length > MAX_QUERY; }
  function capped(q) {
    var chars = Array.from(visible(q)); // by character, never half of a surrogate pair
    return chars.length > MAX_QUERY ? chars.slice(0, MAX_QUERY).join("").trim() : chars.join("");
  }
  function uiState() {
    var f = [];
    facetsBox.querySelectorAll("input:checked").forEach(function (c) { f.push(c.value); });
    return { q: capped(input.value.trim()), sort: sortSel.value, f: f };
  }
  // text, then (with a query q) the term it may have meant (offer), then more text
  function say(text, q, after) {
    statusEl.textContent = (cut ? "检索词超过 " + MAX_QUERY + " 个字，只按前 " + MAX_QUERY + " 个字检索。" : "") + text;
    if (q) offer(q);
    if (after) statusEl.appendChild(document.createTextNode(after));
  }
  function filterObject(f) {
    var out = {};
    f.forEach(function (v) {
      var i = v.indexOf(":");
      if (i > 0) (out[v.slice(0, i)] = out[v.slice(0, i)] || { any: [] }).any.push(v.slice(i + 1));
    });
    return out;
  }
  function text(s) { // decode entities of an index text fragment, never parse it as markup
    return new DOMParser().parseFromString(s, "text/html").documentElement.textContent;
  }
  // A site path ("/cases/XA-2023-017/": what Pagefind returns, with baseUrl "/") to an address under
  // the site's own path, which may be a sub-path (a GitHub Pages project site's "/portal/").
  function link(url) { return new URL(url.replace(/^\//, ""), root).href; }

  // pending: the filter index is still loading after a search; its values show (they can be
  // chosen at once) without counts, instead of an empty column that fills in a second later
  function renderFacets(counts, chosen, base, pending) {
    facetsBox.textContent = "";
    if (pending) facetsBox.setAttribute("aria-busy", "true"); else facetsBox.removeAttribute("aria-busy");
    FACETS.forEach(function (name) {
      var values = Object.assign({}, (base || allFilters)[name] || {});
      var shownCounts = counts && counts[name] ? counts[name] : values;
      var keys = Object.keys(values).sort(function (a, b) {
        return name === "年份" ? b.localeCompare(a) : (values[b] - values[a]) || a.localeCompare(b, "zh");
      });
      if (!keys.length) return;
      var fs = document.createElement("fieldset");
      var lg = document.createElement("legend");
      lg.textContent = name;
      fs.appendChild(lg);
      keys.forEach(function (k) {
        var val = name + ":" + k, on = chosen.indexOf(val) >= 0, n = shownCounts[k] || 0;
        if (!n && !on && !pending) return;
        var label = document.createElement("label");
        var box = document.createElement("input");
        box.type = "checkbox"; box.value = val; box.checked = on;
        box.addEventListener("change", run);
        var count = document.createElement("span");
        count.className = "portal-count"; count.textContent = pending ? "" : " " + n;
        label.appendChild(box); label.appendChild(document.createTextNode(" " + k)); label.appendChild(count);
        fs.appendChild(label);
      });
      if (fs.querySelector("label")) facetsBox.appendChild(fs);
    });
  }

  // Pagefind quietly widens a query word it cannot find to a shorter prefix (探测 → 探索). A result
  // is exact when its indexed text holds every character and Latin word of the query and most of
  // its two-character pieces (a piece spanning two typed words, 区电 in 雁塔区电梯, may be absent);
  // exact results come first and, when there is none, the page says so.
  function queryTerms(q) {
    return bigramQuery(q).toLowerCase().split(/\s+/).filter(Boolean);
  }
  function isExact(d, terms) {
    var content = (d.content || "").toLowerCase();
    var has = function (t) { return content.indexOf(t) >= 0; };
    var pieces = terms.filter(function (t) { return t.length === 2 && CJK.test(t); });
    var others = terms.filter(function (t) { return pieces.indexOf(t) < 0; });
    var chars = pieces.join("").split("");
    var found = pieces.filter(has).length;
    return others.every(has) && chars.every(has) &&
      (pieces.length <= 2 ? found === pieces.length : found >= Math.ceil(pieces.length / 2));
  }

  // An input method's homophone (免于问责 typed for 免予问责, 澄清证名 for 澄清正名) finds no exact
  // result. The query is compared with the facet values of the public cases (地区, 领域, 结果,
  // 容错情形, …: staticCounts, in the page since the build): a stretch of it that differs from a value
  // in one Chinese character is offered as "您是不是要找", the value with the most cases first.
  // Substitutions only, of values of 3 or more characters: two-character words one character
  // apart are mostly different words (招商, 招标). A stretch that is itself a value is right as
  // typed (免予问责 is never turned into 不予问责). The query itself is never rewritten.
  function suggestion(q) {
    var chars = Array.from(halfWidth(q)), best = null, most = 0, known = Object.create(null);
    var names = Object.keys(staticCounts).filter(function (name) { return name !== "年份"; });
    names.forEach(function (name) { Object.keys(staticCounts[name]).forEach(function (v) { known[v] = true; }); });
    names.forEach(function (name) {
      Object.keys(staticCounts[name]).forEach(function (term) {
        var t = Array.from(term), n = staticCounts[name][term];
        if (t.length < 3 || n <= most || q.indexOf(term) >= 0) return;
        for (var i = 0; i + t.length <= chars.length; i++) {
          if (known[chars.slice(i, i + t.length).join("")]) continue;
          var diff = 0, at = -1;
          for (var k = 0; k < t.length && diff < 2; k++) if (chars[i + k] !== t[k]) { diff++; at = k; }
          if (diff === 1 && CJK.test(chars[i + at]) && CJK.test(t[at])) {
            best = chars.slice(0, i).concat(t, chars.slice(i + t.length)).join(""); most = n;
            return;
          }
        }
      });
    });
    return best;
  }
  function offer(q) {
    var s = suggestion(q);
    if (!s) return;
    var p = new URLSearchParams(location.search);
    p.set("q", s);
    var a = document.createElement("a");
    a.id = "portal-suggest"; a.href = "?" + p.toString(); a.textContent = s;
    a.addEventListener("click", function (e) {
      e.preventDefault();
      input.value = s;
      // the link goes with the old status; the new one is read out (role=status), and Tab from
      // it reaches the results. The search field is not focused: on a phone that would raise
      // the keyboard over the results.
      statusEl.tabIndex = -1; statusEl.focus();
      run();
    });
    statusEl.appendChild(document.createTextNode("您是不是要找："));
    statusEl.appendChild(a);
    statusEl.appendChild(document.createTextNode("？"));
  }

  function showMore() {
    var slice = current.slice(shown, shown + PAGE);
    shown += slice.length;
    more.hidden = shown >= current.length;
    var terms = queryTerms(input.value.trim());
    return Promise.all(slice.map(function (r) { return r.data ? r.data() : Promise.resolve(r); })).then(function (rows) {
      rows.forEach(function (d) { d.exact = !terms.length || !d.content || isExact(d, terms); });
      rows.sort(function (a, b) { return (b.exact ? 1 : 0) - (a.exact ? 1 : 0); });
      var exact = rows.filter(function (d) { return d.exact; }).length;
      if (shown === slice.length && terms.length && rows.length) { // first batch: say what was found
        if (!exact) say("没有找到完全符合“" + input.value.trim() + "”的案例。", input.value.trim(), "下面是只符合部分关键词的相近结果。");
        else if (current.length === rows.length && exact < rows.length)
          say("找到 " + exact + " 件案例，另有 " + (rows.length - exact) + " 件相近结果。");
      }
      rows.forEach(function (d) {
        var li = document.createElement("li");
        li.setAttribute("data-exact", d.exact ? "1" : "0");
        if (!d.exact) li.className = "portal-near";
        var a = document.createElement("a");
        a.href = link(d.url); a.textContent = (d.meta && d.meta.title) || d.url;
        li.appendChild(a);
        var meta = document.createElement("span");
        meta.className = "portal-meta";
        meta.textContent = [d.meta.id, d.meta.region, d.meta.outcome, d.meta.date].filter(Boolean).join(" · ");
        li.appendChild(meta);
        if (d.excerpt) { var p = document.createElement("p"); excerpt(p, d.excerpt, d.content); li.appendChild(p); }
        list.appendChild(li);
      });
    });
  }

  // The index holds Chinese as overlapping two-character pieces (招商引资 → 招商 商引 引资); the query
  // is cut the same way. A single character still matches every piece that starts with it.
  var CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  // A Chinese input method in full-width mode types ＸＡ－２０２３－０１７: its digits, letters and
  // + - _ . @ are read as the ASCII ones, as the index holds them (index.py; full-width punctuation
  // such as ，（） stays, it separates words below).
  function halfWidth(q) {
    return q.replace(/[\uff0b\uff0d\uff0e\uff10-\uff19\uff20-\uff3a\uff3f\uff41-\uff5a]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    });
  }
  function bigramQuery(q, cover) {
    return halfWidth(q).replace(/[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}/g, function (run) {
      var out = [];
      for (var i = 0; i + 1 < run.length; i++) {
        if (!cover || i % 2 === 0 || i === run.length - 2) out.push(run.slice(i, i + 2));
      }
      return " " + out.join(" ") + " ";
    }).replace(/[，。、；：？！“”（）《》\s]+/g, " ").trim();
  }
  // What is sent to Pagefind: pieces that cover every character once (招商引资 → 招商 引资, not
  // also 商引). Each piece costs Pagefind a pass over every page that holds it, and the pieces in
  // between add nothing to which pages hold the whole word; isExact still checks all of them.
  function indexQuery(q) { return bigramQuery(q, true); }
  // Excerpts come back as pieces ("区招 招商 <mark>商引</mark> 引资 ， 2023"); join overlapping
  // pieces into readable text, keeping the highlight on the characters that matched. Punctuation
  // comes as tokens of its own (generator/index.py) and joins its neighbours without spaces.
  var PUNCT = /^[^\p{L}\p{N}]+$/u;
  function rebuild(excerptHtml) {
    var chars = [], inMark = false, afterPunct = false;
    excerptHtml.split(/(<mark>|<\/mark>)/).forEach(function (part) {
      if (part === "<mark>") { inMark = true; return; }
      if (part === "</mark>") { inMark = false; return; }
      text(part).split(/\s+/).forEach(function (tok) {
        if (!tok) return;
        var prev = chars.length ? chars[chars.length - 1] : null, punct = PUNCT.test(tok);
        if (prev && !afterPunct && tok.length === 2 && CJK.test(tok) && prev.c === tok[0]) {
          prev.m = prev.m || inMark; chars.push({ c: tok[1], m: inMark }); return;
        }
        if (prev && !punct && !afterPunct && !(CJK.test(prev.c) && CJK.test(tok[0]))) chars.push({ c: " ", m: false });
        for (var i = 0; i < tok.length; i++) chars.push({ c: tok[i], m: inMark && !punct });
        afterPunct = punct;
      });
    });
    return chars;
  }
  // Where Pagefind's window cut a sentence: the excerpt is a run of the indexed text's tokens,
  // so find it there and look at its neighbours. A window that starts after "。" or ends on one
  // shows whole sentences at that end and gets no "…".
  var STOP = /[。！？；]$/;
  function cuts(html, content) {
    var shown = text(html.replace(/<\/?mark>/g, "")).trim().split(/\s+/);
    var all = (content || "").trim().split(/\s+/), n = shown.length, want = shown.join(" ");
    for (var k = 0; k + n <= all.length; k++) {
      if (all[k] === shown[0] && all.slice(k, k + n).join(" ") === want) {
        return { start: k > 0 && !STOP.test(all[k - 1]) && !STOP.test(all[k]),
                 end: k + n < all.length && !STOP.test(shown[n - 1]) };
      }
    }
    return { start: false, end: false }; // not found (an older index): claim nothing
  }
  function excerpt(el, html, content) {
    var run = null, chars = rebuild(html), cut = cuts(html, content);
    while (chars.length && PUNCT.test(chars[0].c)) chars.shift(); // cut mid-sentence: no "，" first
    if (cut.start) chars.unshift({ c: "…", m: false });
    if (cut.end) chars.push({ c: "…", m: false });
    chars.forEach(function (ch) {
      if (!run || run.m !== ch.m) {
        run = { m: ch.m, node: ch.m ? document.createElement("mark") : document.createElement("span") };
        el.appendChild(run.node);
      }
      run.node.textContent += ch.c;
    });
  }
  function searchOptions(s) {
    var opts = {};
    if (s.f.length) opts.filters = filterObject(s.f); // an empty filters object still loads every filter file
    if (s.sort === "date" || !s.q) opts.sort = { date: "desc" };
    return opts;
  }
  function search(q, opts) {
    var began = performance.now();
    return pagefind.search(q ? indexQuery(q) : null, opts).then(function (res) {
      // Pagefind's own share of a query, as a User Timing entry (read by bench/bench.py): its
      // scoring grows with results × matching pages, most of a broad query at 10,000 cases
      try {
        performance.measure("portal:pagefind-search", { start: began, detail: res ? res.results.length : 0 });
      } catch (e) { /* a browser without User Timing level 3: nothing to record */ }
      return res;
    });
  }
  function searchAll(q, opts) {
    var key = JSON.stringify([q, opts]), found;
    if (early && early.key === key) found = early.promise; // the same search, begun while the page loaded
    early = null;
    return (found || search(q, opts)).then(function (res) {
      return res ? { results: res.results.slice(), filters: res.filters } : { results: [], filters: null };
    });
  }

  function pinId(q, results) {
    // a case id puts that case first, found in the results or directly at its own address
    q = halfWidth(q);
    if (!ID.test(q)) return Promise.resolve(results);
    var id = q.toUpperCase();
    // only the first page of results: each one looked at costs a fragment download (3–7 KB)
    return Promise.all(results.slice(0, PAGE).map(function (r) { return r.data(); })).then(function (rows) {
      var i = rows.findIndex(function (d) { return d.meta && d.meta.id === id; });
      if (i > 0) { var hit = results.splice(i, 1)[0]; results.unshift(hit); }
      if (i >= 0) return results;
      return fetch(link("cases/" + id + "/"), { method: "HEAD" }).then(function (res) {
        if (!res.ok) return results;
        return [{ url: "/cases/" + id + "/", meta: { title: id, id: id }, excerpt: "" }].concat(results);
      }).catch(function () { return results; });
    });
  }

  // The page has done what was asked (tests wait for data-done). A User Timing mark records when
  // that reached the screen, the frame after (bench/bench.py reads it: timing from outside the
  // browser adds 0.1 to 0.4 s of its own).
  function markDone() {
    list.setAttribute("data-done", location.search);
    requestAnimationFrame(function () {
      setTimeout(function () { try { performance.mark("portal:results-shown"); } catch (e) { /* no timing */ } });
    });
  }

  function run(ev) {
    if (ev && ev.preventDefault) ev.preventDefault();
    var s = uiState();
    cut = tooLong(input.value);
    if (s.q !== input.value.trim()) input.value = s.q; // what is searched, and what the shared URL keeps
    writeState(s);
    var mine = ++seq;
    list.removeAttribute("data-done");
    if (!s.q && !s.f.length) {
      list.textContent = ""; more.hidden = true;
      statusEl.textContent = "输入关键词，或选择筛选条件。";
      renderFacets(null, s.f, filtersReady ? allFilters : staticCounts);
      markDone();
      return;
    }
    statusEl.textContent = "正在检索…";
    var opts = searchOptions(s);
    // a chosen filter needs the filter index (for its counts as well)
    started.then(function () { return s.f.length ? loadFilters() : null; }).then(function () {
      return searchAll(s.q || null, opts);
    }).then(function (res) {
      if (mine !== seq || !res) return;
      return pinId(s.q, res.results).then(function (results) {
        if (mine !== seq) return;
        current = results; shown = 0; list.textContent = "";
        if (filtersReady) renderFacets(res.filters, s.f); else renderFacets(null, s.f, staticCounts, true);
        if (results.length) say("找到 " + results.length + " 件案例。");
        else say("没有找到符合条件的案例。", s.q, "换个关键词，或减少筛选条件试试。");
        return showMore().then(function () {
          markDone();
          if (!filtersLoaded) setTimeout(function () { // after the results are on screen
            loadFilters().then(function () {
              if (mine === seq) return pagefind.search(indexQuery(s.q) || null, opts).then(function (again) {
                if (mine === seq && again) renderFacets(again.filters, s.f);
              });
            });
          }, 500);
        });
      });
    });
  }

  // The filter index (counts for the facets) is only fetched up front when the URL already
  // filters; otherwise the empty page shows the build's counts, and after a search the first
  // results come first and the facets follow in the background.
  var filtersLoaded = null, filtersReady = false;
  function loadFilters() {
    if (!filtersLoaded) {
      filtersLoaded = pagefind.filters().then(function (f) { allFilters = f || {}; filtersReady = true; });
    }
    return filtersLoaded;
  }

  // Pagefind takes the query language from <html lang> when it starts. For zh it cuts the query
  // into dictionary words and single characters, which breaks the two-character pieces apart
  // and turns each character into a prefix over thousands of pieces (3 to 8 s per query at
  // 10,000 cases instead of 0.2 s). The pieces need no cutting, so it starts under "und".
  // data-no-index: the archive has no public case yet, so the build made no index (ui() says so)
  var noIndex = script.hasAttribute("data-no-index");
  // data-index: the folder the build put the index in, named after what it indexes (README)
  var pagefindJs = "pagefind/" + script.getAttribute("data-index") + "/pagefind.js";
  var started = noIndex ? Promise.reject(new Error("no index")) : import(new URL(pagefindJs, root).href).then(function (pf) {
    pagefind = pf;
    var html = document.documentElement, lang = html.getAttribute("lang");
    return pagefind.options({ baseUrl: "/", excerptLength: 40 }).then(function () {
      html.setAttribute("lang", "und");
      var init = pagefind.init(); // reads the language synchronously
      html.setAttribute("lang", lang);
      return init;
    });
  });
  started.catch(function () { /* handled where it is used; without an index it rejects at once */ });
  // The URL's search and its first page of fragments (Pagefind keeps them for run()). With
  // filters, the filter index comes first, as in run(). ui() fills the form from the same state.
  var wanted = readState();
  if (wanted.q || wanted.f.length) started.then(function () {
    return wanted.f.length ? loadFilters() : null;
  }).then(function () {
    var q = capped(wanted.q) || null, opts = searchOptions(wanted);
    early = { key: JSON.stringify([q, opts]), promise: search(q, opts) };
    return early.promise.then(function (res) {
      res.results.slice(0, PAGE).forEach(function (r) { r.data().catch(function () { /* run() asks again */ }); });
    });
  }).catch(function () { /* ui() says so */ });

  function ui() {
    form = document.getElementById("portal-search-form");
    if (!form) return;
    input = document.getElementById("portal-q");
    sortSel = document.getElementById("portal-sort");
    facetsBox = document.getElementById("portal-search-facets");
    statusEl = document.getElementById("portal-search-status");
    list = document.getElementById("portal-search-results");
    more = document.getElementById("portal-search-more");
    // Counts over all public cases, written into the page at build time: the empty search page
    // shows its facets without downloading the index's filter files (about 130 KB at 10,000 cases).
    try { staticCounts = JSON.parse(document.getElementById("portal-facet-counts").textContent); } catch (e) { /* none */ }
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer); timer = setTimeout(run, 250);
      // the index chunks the words need load during the pause, as in Pagefind's own debouncedSearch
      var q = capped(input.value.trim());
      if (q) started.then(function () { return pagefind.preload(indexQuery(q)); }).catch(function () { /* run() reports */ });
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { var first = list.querySelector("a"); if (first) { e.preventDefault(); first.focus(); } }
    });
    list.addEventListener("keydown", function (e) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var i = links.indexOf(document.activeElement);
      if (i < 0) return;
      if (e.key === "ArrowDown" && links[i + 1]) { e.preventDefault(); links[i + 1].focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); (links[i - 1] || input).focus(); }
    });
    sortSel.addEventListener("change", run);
    form.addEventListener("submit", run);
    more.addEventListener("click", showMore);

    // the URL's query shows at once, not after Pagefind has started (seconds on a phone), and
    // never overwrites what was typed meanwhile
    input.value = wanted.q; sortSel.value = wanted.sort;
    // arriving from a header search sent empty (on a phone the header has only its button): the
    // visitor came to type, so the field takes the focus (never on a plain visit to the page)
    if (new URLSearchParams(location.search).has("q") && !wanted.q && !wanted.f.length) input.focus();
    started.then(function () {
      return wanted.f.length ? loadFilters() : null; // else the facets come with the first results
    }).then(function () {
      renderFacets(null, wanted.f); // the URL's filters become checked boxes, which run() reads
      form.classList.add("portal-ready");
      run();
    }).catch(function () {
      statusEl.textContent = noIndex ? "本平台暂无公开案例。案例公开后，可以在这里检索。"
        : "检索索引加载失败。可以从“全部案例”按类别浏览。";
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ui);
  else ui();
})();
