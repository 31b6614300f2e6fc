// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for src/core/kallsyms.c on synthetic files, then on the real /proc/kallsyms when root. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/kallsyms.h"
#include "tap.h"

/* Writes text to a new temporary file; returns its malloc'ed path (unlink and free it). */
static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/vista-kallsyms-XXXXXX");
	size_t len = strlen(text);
	int fd;

	if (!path)
		return NULL;
	fd = mkstemp(path);
	if (fd < 0) {
		free(path);
		return NULL;
	}
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

/* Loads text as a kallsyms file; errno as kallsyms_load left it. */
static struct kallsyms *load_text(const char *text)
{
	char *path = write_temp(text);
	struct kallsyms *ks;
	int saved;

	if (!path)
		return NULL;
	ks = kallsyms_load(path);
	saved = errno;
	unlink(path);
	free(path);
	errno = saved;
	return ks;
}

/* Checks that addr resolves to name (and module) at offset off. */
static void check_lookup(const struct kallsyms *ks, uint64_t addr, const char *name, const char *module, uint64_t off)
{
	uint64_t got_off = UINT64_MAX;
	const struct ksym *s = kallsyms_lookup(ks, addr, &got_off);
	char what[160];

	snprintf(what, sizeof(what), "0x%" PRIx64 " -> %s", addr, name);
	is_str(s ? s->name : NULL, name, what);
	snprintf(what, sizeof(what), "0x%" PRIx64 " module %s", addr, module ? module : "(vmlinux)");
	is_str(s ? s->module : NULL, module, what);
	snprintf(what, sizeof(what), "0x%" PRIx64 " offset %" PRIu64, addr, off);
	is_int(got_off, off, what);
}

/*
 * Deliberately out of order, with aliases, __pfx_ padding labels (16 bytes
 * before each function), skipped absolute/undefined symbols and modules.
 */
static const char synthetic[] = "ffffffff81000000 T _stext\n"
				"ffffffff81000000 t startup_64\n"
				"ffffffff81001010 t local_alias\n"
				"ffffffff81001000 T __pfx_ip_rcv\n"
				"ffffffff81001010 T ip_rcv\n"
				"ffffffff81001010 t __pfx_zzz_same_addr\n"
				"ffffffff81001100 T __pfx_ip_rcv_finish\n"
				"ffffffff81001110 T ip_rcv_finish\n"
				"ffffffff81001200 D some_data\n"
				"ffffffff81001200 t text_at_data\n"
				"0000000000000000 A fixed_percpu_data\n"
				"0000000000001000 a abs_sym\n"
				"0000000000000000 U undefined_sym\n"
				"ffffffff81002000 W weak_fn\n"
				"ffffffffc0a01000 t nft_do_chain\t[nf_tables]\n"
				"ffffffffc0a01100 T nft_register_chain_type\t[nf_tables]\n"
				"ffffffffc0b00000 t dup_name\t[mod_b]\n"
				"ffffffff81003000 t dup_name\n";

static void test_synthetic(void)
{
	struct kallsyms *ks = load_text(synthetic);
	uint64_t off = 0;

	ok(ks != NULL, "synthetic file loads");
	if (!ks)
		return;
	is_int(kallsyms_count(ks), 15, "absolute and undefined symbols are skipped");
	ok(kallsyms_lookup(ks, 0xffffffff80ffffffULL, &off) == NULL, "address below the first symbol -> NULL");

	check_lookup(ks, 0xffffffff81000000ULL, "_stext", NULL, 0);
	check_lookup(ks, 0xffffffff81000040ULL, "_stext", NULL, 0x40);
	/* Inside ip_rcv: its own name, never __pfx_ip_rcv_finish, local alias nor same-address __pfx_. */
	check_lookup(ks, 0xffffffff81001010ULL, "ip_rcv", NULL, 0);
	check_lookup(ks, 0xffffffff81001014ULL, "ip_rcv", NULL, 4);
	check_lookup(ks, 0xffffffff810010ffULL, "ip_rcv", NULL, 0xef);
	/* Inside the padding the padding label is an acceptable answer. */
	check_lookup(ks, 0xffffffff81001104ULL, "__pfx_ip_rcv_finish", NULL, 4);
	check_lookup(ks, 0xffffffff81001110ULL, "ip_rcv_finish", NULL, 0);
	check_lookup(ks, 0xffffffff81001200ULL, "text_at_data", NULL, 0);
	check_lookup(ks, 0xffffffff81002008ULL, "weak_fn", NULL, 8);
	check_lookup(ks, 0xffffffffc0a01010ULL, "nft_do_chain", "nf_tables", 0x10);
	check_lookup(ks, 0xffffffffc0a01100ULL, "nft_register_chain_type", "nf_tables", 0);
	check_lookup(ks, 0xffffffffc0b00001ULL, "dup_name", "mod_b", 1);
	check_lookup(ks, 0xffffffffffffffffULL, "dup_name", "mod_b", 0xffffffffffffffffULL - 0xffffffffc0b00000ULL);
	ok(kallsyms_lookup(ks, 0xffffffff81001014ULL, NULL) != NULL, "offset pointer may be NULL");

	is_int(kallsyms_address(ks, "ip_rcv"), 0xffffffff81001010ULL, "address of ip_rcv");
	is_int(kallsyms_address(ks, "__pfx_ip_rcv"), 0xffffffff81001000ULL, "address of __pfx_ip_rcv");
	is_int(kallsyms_address(ks, "local_alias"), 0xffffffff81001010ULL, "address of an alias");
	is_int(kallsyms_address(ks, "_stext"), 0xffffffff81000000ULL, "address of the first name");
	is_int(kallsyms_address(ks, "weak_fn"), 0xffffffff81002000ULL, "address of the last name");
	is_int(kallsyms_address(ks, "nft_do_chain"), 0xffffffffc0a01000ULL, "address of a module symbol");
	is_int(kallsyms_address(ks, "dup_name"), 0xffffffffc0b00000ULL, "duplicate name: the first line wins");
	is_int(kallsyms_address(ks, "ip_rc"), 0, "prefix of a name is not a match");
	is_int(kallsyms_address(ks, "ip_rcv_"), 0, "unknown name -> 0");
	is_int(kallsyms_address(ks, "abs_sym"), 0, "skipped absolute symbol -> 0");
	is_int(kallsyms_address(ks, ""), 0, "empty name -> 0");
	kallsyms_free(ks);
}

static void test_errors(void)
{
	struct kallsyms *ks;

	ks = load_text("0000000000000000 T _stext\n0000000000000000 t ip_rcv\n0000000000000000 t m\t[mod]\n");
	ok(ks == NULL && errno == EPERM, "all-zero addresses -> EPERM (errno %d)", errno);
	kallsyms_free(ks);
	ks = load_text("");
	ok(ks == NULL && errno == ENODATA, "empty file -> ENODATA (errno %d)", errno);
	kallsyms_free(ks);
	ks = load_text("ffffffff81000000 T _stext\nnot a kallsyms line\n");
	ok(ks == NULL && errno == EINVAL, "malformed line -> EINVAL (errno %d)", errno);
	kallsyms_free(ks);
	errno = 0;
	ks = kallsyms_load("/nonexistent/kallsyms");
	ok(ks == NULL && errno == ENOENT, "missing file -> ENOENT (errno %d)", errno);
	kallsyms_free(ks);
	ok(kallsyms_lookup(NULL, 1, NULL) == NULL && kallsyms_address(NULL, "x") == 0 && kallsyms_count(NULL) == 0,
	   "NULL table is empty");
}

/* Many symbols: every address and name resolves (exercises growth of the arena and arrays). */
static void test_large(void)
{
	enum { N = 100000 };
	size_t cap = (size_t)N * 48, len = 0, i;
	char *text = malloc(cap), name[32];
	struct kallsyms *ks;
	bool all = true;

	if (!text) {
		ok(0, "allocate large table");
		return;
	}
	/* Written in descending order so that the sort has real work to do. */
	for (i = N; i-- > 0;)
		len += (size_t)snprintf(text + len, cap - len, "%016" PRIx64 " t f%zu\n",
					(uint64_t)(0xffffffff81000000ULL + i * 16), i);
	ks = load_text(text);
	free(text);
	ok(ks != NULL, "large table loads");
	if (!ks)
		return;
	is_int(kallsyms_count(ks), N, "large table count");
	for (i = 0; i < N && all; i++) {
		uint64_t off;
		const struct ksym *s = kallsyms_lookup(ks, 0xffffffff81000000ULL + i * 16 + 3, &off);

		snprintf(name, sizeof(name), "f%zu", i);
		all = s && strcmp(s->name, name) == 0 && off == 3 &&
		      kallsyms_address(ks, name) == 0xffffffff81000000ULL + i * 16;
	}
	ok(all, "every symbol of the large table resolves both ways (stopped at %zu)", i);
	kallsyms_free(ks);
}

static void test_real(void)
{
	struct kallsyms *ks;
	const struct ksym *s;
	uint64_t addr, off = 0;

	if (geteuid() != 0 || access("/proc/kallsyms", R_OK) != 0) {
		tap_skip("real /proc/kallsyms needs root");
		return;
	}
	ks = kallsyms_load("/proc/kallsyms");
	ok(ks != NULL, "real /proc/kallsyms loads (errno %d)", ks ? 0 : errno);
	if (!ks)
		return;
	ok(kallsyms_count(ks) > 1000, "real table has %zu symbols", kallsyms_count(ks));
	addr = kallsyms_address(ks, "ip_rcv");
	ok(addr != 0, "ip_rcv is at 0x%" PRIx64, addr);
	s = kallsyms_lookup(ks, addr + 4, &off);
	is_str(s ? s->name : NULL, "ip_rcv", "ip_rcv+4 resolves to ip_rcv");
	is_int(off, 4, "ip_rcv+4 offset");
	ok(s && s->module == NULL, "ip_rcv is a vmlinux symbol");
	kallsyms_free(ks);
}

int main(void)
{
	test_synthetic();
	test_errors();
	test_large();
	test_real();
	return tap_done();
}
