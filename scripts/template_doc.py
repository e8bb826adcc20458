"""Print the Markdown documentation of the canonical template (pasted into the README).

The README test checks that every sheet and field documented here is in the README.
"""

from imft_desktop.model.schema import TABLES


def main() -> None:
    for t in TABLES:
        print(f"**{t.sheet}** ({t.description}) Key: {', '.join(t.key)}.\n")
        print("| column | required | what it holds | allowed values / unit |")
        print("|---|---|---|---|")
        for f in t.fields:
            allowed = ", ".join(f.choices) if f.choices else (f.unit or "")
            print(f"| `{f.name}` | {'yes' if f.required else ''} | {f.description} | {allowed} |")
        print()


if __name__ == "__main__":
    main()
