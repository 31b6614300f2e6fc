// SPDX-License-Identifier: GPL-2.0-only
#include "corpus.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

int expr_list_read(const char *path, bool bad, struct expr_list *out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL, *line, *mark;
	size_t cap = 0, alloc = 0;
	unsigned lineno = 0;
	struct expr e = { 0 };

	if (!f) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (getline(&buf, &cap, f) != -1) {
		lineno++;
		line = trim(buf);
		if (!*line || *line == '#')
			continue;
		memset(&e, 0, sizeof(e));
		e.line = lineno;
		mark = bad ? strchr(line, '\t') : strchr(line, '#');
		if (bad && !mark) {
			snprintf(err, errlen, "%s:%u: no tab between the expression and its expected error", path,
				 lineno);
			goto fail;
		}
		if (mark) {
			*mark++ = '\0';
			mark = trim(mark);
			if (!bad && strcmp(mark, BACKJUMP_MARK) != 0) {
				snprintf(err, errlen, "%s:%u: unknown mark \"# %s\" (only \"# %s\" is allowed)", path,
					 lineno, mark, BACKJUMP_MARK);
				goto fail;
			}
			e.backjump = !bad;
			if (bad && !(e.want_err = strdup(mark)))
				goto nomem;
		}
		if (!(e.text = strdup(trim(line))))
			goto nomem;
		if (out->n == alloc) {
			struct expr *v = realloc(out->v, (alloc ? alloc * 2 : 256) * sizeof(*v));

			if (!v) {
				free(e.text);
				goto nomem;
			}
			out->v = v;
			alloc = alloc ? alloc * 2 : 256;
		}
		out->v[out->n++] = e;
	}
	free(buf);
	fclose(f);
	return 0;
nomem:
	snprintf(err, errlen, "%s:%u: out of memory", path, lineno);
fail:
	free(e.want_err);
	free(buf);
	fclose(f);
	return -1;
}

void expr_list_free(struct expr_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].text);
		free(l->v[i].want_err);
		if (l->v[i].en) {
			pcap_freecode(l->v[i].en);
			free(l->v[i].en);
		}
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
