# SPDX-License-Identifier: ISC
# table.awk: one row of a markdown table from the key=value lines of the
# repetitions of one benchmark: each cell is the median over the lines,
# with min–max beside it when they differ.
#   awk -f table.awk -v label=LABEL -v keys="KEY KEY - KEY" FILE
# A key "-" leaves its cell empty; a key no line has shows "n/a".

BEGIN { nk = split(keys, K, " ") }

{
	for (i = 1; i <= NF; i++) {
		eq = index($i, "=")
		if (eq == 0)
			continue
		k = substr($i, 1, eq - 1)
		n[k]++
		val[k, n[k]] = substr($i, eq + 1) + 0
	}
}

# Formats x with as many decimals as its size needs.
function fmt(x) {
	if (x == int(x))
		return sprintf("%d", x)
	if (x >= 100 || x <= -100)
		return sprintf("%.0f", x)
	if (x >= 10 || x <= -10)
		return sprintf("%.1f", x)
	return sprintf("%.2f", x)
}

# The median of the values of key k, and their range if it is not one
# value (an insertion sort: five to a few dozen values).
function cell(k,    m, i, j, t, a, med) {
	if (k == "-")
		return ""
	m = n[k]
	if (m == 0)
		return "n/a"
	for (i = 1; i <= m; i++) {
		t = val[k, i]
		for (j = i - 1; j >= 1 && a[j] > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
	med = m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
	if (a[1] == a[m])
		return fmt(med)
	return fmt(med) " (" fmt(a[1]) "–" fmt(a[m]) ")"
}

END {
	line = "| " label
	for (j = 1; j <= nk; j++)
		line = line " | " cell(K[j])
	print line " |"
}
