// nutriplan's web page: a little plain JavaScript, no framework, nothing loaded from a network.
document.addEventListener("click", (event) => {
  // "Print": print the plan's report (the framed, self-contained HTML report) or this page.
  const button = event.target.closest("[data-print-frame]");
  if (!button) return;
  const frame = document.getElementById(button.dataset.printFrame);
  if (frame && frame.contentWindow) {
    frame.contentWindow.focus();
    frame.contentWindow.print();
  } else {
    window.print();
  }
});
document.addEventListener("submit", (event) => {
  // Forms that destroy a record ask first.
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// The workbench on a plan's page (issue 10): lock, swap, regenerate. Every change is posted to
// POST /api/plans/{id}/replan; the new plan (saved on the record, linked to this one) is opened
// with the same locks ticked, so its totals, rule check and report are the recomputed ones.
(() => {
  const week = document.getElementById("week");
  if (!week || !week.dataset.planId) return;
  const planId = week.dataset.planId;
  const errorBox = document.getElementById("replan-error");
  const status = document.getElementById("replan-status");

  const ticked = () => [...document.querySelectorAll("input[data-lock]:checked")].map((el) => el.dataset.lock);
  const asChange = (text) => {
    const [day, slot, food_id] = text.split(":");
    return Object.assign({ day: Number(day) }, slot ? { slot } : {}, food_id ? { food_id } : {});
  };
  const showError = (data) => {
    const detail = Array.isArray(data.detail)
      ? data.detail.map((d) => (d.field ? d.field + ": " : "") + d.msg).join("\n")
      : String(data.detail || "the change failed");
    errorBox.textContent = detail;
    errorBox.hidden = false;
    status.hidden = true;
  };
  const post = async (body) => {
    errorBox.hidden = true;
    status.hidden = false;
    const response = await fetch(`/api/plans/${planId}/replan`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    const data = await response.json();
    if (!response.ok) return showError(data);
    const keep = ticked();
    window.location.href = `/plans/${data.id}` + (keep.length ? `?locks=${encodeURIComponent(keep.join(","))}` : "");
  };

  // locks carried over from the plan this one was made from
  const carried = new URLSearchParams(window.location.search).get("locks");
  for (const text of carried ? carried.split(",") : []) {
    const box = [...document.querySelectorAll("input[data-lock]")].find((el) => el.dataset.lock === text);
    if (box) box.checked = true;
  }

  week.addEventListener("click", async (event) => {
    const regenerate = event.target.closest("[data-regenerate]");
    if (regenerate) {
      const target = regenerate.dataset.regenerate;
      // locks inside what is regenerated stay locks (kept exactly); the rest of it is made afresh
      await post({ locks: ticked().map(asChange), regenerate: [asChange(target)] });
      return;
    }
    const swap = event.target.closest("[data-swap]");
    if (swap) {
      const [day, slot, food_id] = swap.dataset.swap.split(":");
      const holder = swap.closest("li");
      holder.querySelector("form.swap-choice")?.remove();
      status.hidden = false;
      errorBox.hidden = true;
      const query = new URLSearchParams({ day, slot, food_id, limit: "8" });
      const response = await fetch(`/api/plans/${planId}/swaps?${query}`);
      const data = await response.json();
      status.hidden = true;
      if (!response.ok) return showError(data);
      const form = document.createElement("form");
      form.className = "swap-choice";
      const select = document.createElement("select");
      select.name = "choice";
      select.setAttribute("aria-label", "swap for");
      for (const s of data) {
        const option = document.createElement("option");
        option.value = `${s.food_id}|${s.servings}`;
        option.textContent = `${s.name} — ${s.servings} × ${s.household || "serving"} (${s.grams} g)`;
        select.append(option);
      }
      const apply = document.createElement("button");
      apply.type = "submit";
      apply.textContent = data.length ? "apply swap" : "no food can take its place";
      apply.disabled = !data.length;
      form.append(select, apply);
      form.addEventListener("submit", async (submitted) => {
        submitted.preventDefault();
        const [new_food_id, servings] = select.value.split("|");
        await post({ swap: { day: Number(day), slot, food_id, new_food_id, servings: Number(servings) } });
      });
      holder.append(form);
    }
  });
})();
