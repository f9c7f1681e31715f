// Turns data into the page; it never calls the API (events.js does).

const list = document.querySelector("#items");
const message = document.querySelector("#message");

export function page({ items, total, offset, next, prev }) {
  list.replaceChildren(...items.map(row));
  document.querySelector("#empty").hidden = total > 0;
  const last = Math.min(offset + items.length, total);
  document.querySelector("#position").textContent = total ? `${offset + 1} to ${last} of ${total}` : "";
  document.querySelector("#previous").disabled = !prev;
  document.querySelector("#next").disabled = !next;
}

// One item: a checkbox for done, its title to edit in place, save and delete buttons.
function row(item) {
  const li = document.createElement("li");
  li.dataset.id = item.id;
  li.classList.toggle("done", item.done);
  const titleId = `title-${item.id}`;
  li.innerHTML = `
    <form class="edit" novalidate>
      <div class="row">
        <input type="checkbox" name="done" id="done-${item.id}">
        <label class="visually-hidden" for="done-${item.id}">Done</label>
        <label class="visually-hidden" for="${titleId}">Title</label>
        <input name="title" id="${titleId}" autocomplete="off" aria-describedby="${titleId}-error">
        <button type="submit">Save</button>
        <button type="button" class="delete">Delete</button>
      </div>
      <p class="field-error" id="${titleId}-error"></p>
    </form>`;
  // Values are set as properties, never as HTML: a title is text, whatever it contains.
  li.querySelector('[name="done"]').checked = item.done;
  li.querySelector('[name="title"]').value = item.title;
  li.querySelector(".delete").setAttribute("aria-label", `Delete ${item.title}`);
  return li;
}

// The API's 422 messages, each under the field it is about (and the others cleared).
export function fieldErrors(form, errors) {
  for (const input of form.querySelectorAll("input[name]")) {
    const slot = document.getElementById(input.getAttribute("aria-describedby"));
    if (!slot) continue;
    slot.textContent = errors[input.name] ?? "";
    input.setAttribute("aria-invalid", String(input.name in errors));
  }
}

export function say(text) {
  message.textContent = text;
  message.hidden = !text;
}
