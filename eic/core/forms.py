"""Form helpers shared by the domains."""
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def apply_errors(form, fields: dict, field_map: dict | None = None) -> list[str]:
    """Put a service's field messages on the form's fields; returns messages no field took."""
    field_map = field_map or {}
    leftovers = []
    for name, messages in fields.items():
        target = field_map.get(name, name.replace(".", "_"))
        if target in form:
            form[target].errors = list(form[target].errors or []) + [str(m) for m in messages]
        else:
            leftovers.extend(str(m) for m in messages)
    return leftovers
