// What the user does, wired to the API and back to the page: the page's entry module.

import * as api from "./api.js";
import * as render from "./render.js";

let current = null; // the page on screen: its items and the URLs of the pages around it

async function show(url = current?.url) {
  current = await api.listPage(url);
  render.page(current);
}

function itemOf(element) {
  const id = Number(element.closest("li").dataset.id);
  return current.items.find((item) => item.id === id);
}

// What a failed call tells the user; field errors go next to their field.
function explain(error, form) {
  if (!(error instanceof api.ApiError)) throw error;
  if (error.status === 422 && form) {
    render.fieldErrors(form, error.fields);
    return;
  }
  if (error.status === 503 || error.status === 0) {
    render.say("The service is unavailable right now. Please try again in a moment.");
  } else if (error.status === 412 || error.status === 404) {
    render.say("Someone else changed this list meanwhile: it has been reloaded.");
    show().catch((next) => explain(next));
  } else {
    render.say(error.message);
  }
}

// Every handler: clear the old messages, run, explain what went wrong.
async function attempt(form, action) {
  render.say("");
  if (form) render.fieldErrors(form, {});
  try {
    await action();
  } catch (error) {
    explain(error, form);
  }
}

document.querySelector("#create").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  attempt(form, async () => {
    await api.create({ title: form.elements.title.value });
    form.reset();
    await show();
  });
});

document.querySelector("#items").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  attempt(form, async () => {
    await api.update(itemOf(form), { title: form.elements.title.value });
    await show();
  });
});

document.querySelector("#items").addEventListener("change", (event) => {
  if (event.target.name !== "done") return;
  const form = event.target.form;
  attempt(form, async () => {
    await api.update(itemOf(form), { done: event.target.checked });
    await show();
  });
});

document.querySelector("#items").addEventListener("click", (event) => {
  if (!event.target.classList.contains("delete")) return;
  attempt(null, async () => {
    await api.remove(itemOf(event.target));
    await show();
  });
});

document.querySelector("#previous").addEventListener("click", () => attempt(null, () => show(current.prev)));
document.querySelector("#next").addEventListener("click", () => attempt(null, () => show(current.next)));

attempt(null, () => show());
