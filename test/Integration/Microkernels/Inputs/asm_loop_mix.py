# Prints the instruction mix of every loop block of an AArch64 assembly file
# that contains `usmmla`: the number of usmmla, the 128-bit registers loaded
# (ldr q = 1, ldp q = 2, ld1 of n registers = n), the 64-bit ones (ldr d,
# ldp d: the convolution kernel's 8-byte pixel loads) and the instructions
# that touch the stack (spills and reloads), one line per block in file
# order.
# Usage: asm_loop_mix.py FILE.s
import re
import sys

blocks, label, body = [], None, []
for line in open(sys.argv[1]):
    m = re.match(r"^(\.LBB\w+):", line)
    if m:
        if label:
            blocks.append((label, body))
        label, body = m.group(1), []
        continue
    if label:
        body.append(line.split("//")[0].strip())
if label:
    blocks.append((label, body))

for label, body in blocks:
    # A loop block branches back to its own label; what follows the branch
    # (up to the next label) is not part of it.
    back = [n for n, i in enumerate(body)
            if re.search(r"\bb(\.\w+)?\s+%s$" % re.escape(label), i)]
    if not back:
        continue
    body = body[:back[0] + 1]
    mmla = sum(1 for i in body if i.startswith("usmmla"))
    if not mmla:
        continue
    loads = {"q": 0, "d": 0}
    for i in body:
        m = re.match(r"ldr\s+([qd])\d+,", i)
        if m:
            loads[m.group(1)] += 1
        m = re.match(r"ldp\s+([qd])\d+, [qd]\d+,", i)
        if m:
            loads[m.group(1)] += 2
        if re.match(r"ld1\s+\{", i):
            loads["q"] += len(re.findall(r"v\d+\.16b", i.split("}")[0]))
    stack = sum(1 for i in body if "[sp" in i)
    print("loop: %d usmmla, %d q-register loads, %d d-register loads, "
          "%d stack accesses, %d instructions" % (
              mmla, loads["q"], loads["d"], stack,
              len([i for i in body if i])))
