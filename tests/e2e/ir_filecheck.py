"""A small FileCheck: the `// CHECK...:` comments of a golden IR file matched against a text.

- `CHECK: P`      a later line contains P (searching from the line after the previous match);
- `CHECK-NEXT: P` the line right after the previous match contains P;
- `CHECK-NOT: P`  no line between the previous match and the next match (or the end) contains P.
P is literal text; `{{...}}` inside it is a regular expression."""
import re

DIRECTIVE = re.compile(r"^\s*//\s*(CHECK|CHECK-NEXT|CHECK-NOT):\s?(.*?)\s*$")
# Any other FileCheck directive (CHECK-DAG, CHECK-SAME, ...) would be silently ignored: refused.
OTHER_DIRECTIVE = re.compile(r"^\s*//\s*(CHECK-[A-Z-]+):")


def directives(source):
    """(kind, pattern text, source line number) of every CHECK comment in `source`."""
    found = []
    for number, line in enumerate(source.splitlines(), 1):
        match = DIRECTIVE.match(line)
        if match:
            found.append((match.group(1), match.group(2), number))
        elif OTHER_DIRECTIVE.match(line):
            raise ValueError(f"line {number}: {OTHER_DIRECTIVE.match(line).group(1)} is not "
                             "supported (CHECK, CHECK-NEXT, CHECK-NOT)")
    return found


def compile_pattern(text):
    parts = re.split(r"\{\{(.*?)\}\}", text)
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?:{p})"
                              for i, p in enumerate(parts)))


def check(source, output):
    """Returns None when `output` satisfies the CHECK comments of `source`, else a message naming
    the failing comment."""
    checks = directives(source)
    if not any(kind != "CHECK-NOT" for kind, _, _ in checks):
        return "no CHECK or CHECK-NEXT line: the file tests nothing"
    lines = output.splitlines()
    position = 0  # index of the first line the next CHECK may match
    pending_not = []
    for kind, text, number in checks:
        pattern = compile_pattern(text)
        if kind == "CHECK-NOT":
            pending_not.append((pattern, text, number))
            continue
        if kind == "CHECK-NEXT":
            if position == 0 or position >= len(lines) or not pattern.search(lines[position]):
                got = lines[position] if position < len(lines) else "<end of output>"
                return f"line {number}: CHECK-NEXT: {text!r} is not the next line (got {got!r})"
            found = position
        else:
            found = next((i for i in range(position, len(lines)) if pattern.search(lines[i])),
                         None)
            if found is None:
                return f"line {number}: CHECK: {text!r} not found after output line {position}"
        for not_pattern, not_text, not_number in pending_not:
            for i in range(position, found):
                if not_pattern.search(lines[i]):
                    return f"line {not_number}: CHECK-NOT: {not_text!r} found: {lines[i]!r}"
        pending_not = []
        position = found + 1
    for not_pattern, not_text, not_number in pending_not:
        for i in range(position, len(lines)):
            if not_pattern.search(lines[i]):
                return f"line {not_number}: CHECK-NOT: {not_text!r} found: {lines[i]!r}"
    return None
