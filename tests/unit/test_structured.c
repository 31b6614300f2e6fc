// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for the structured filters of src/filter/structured.c. */
#include "filter/structured.h"

#include <string.h>

#include "tap.h"

static char err[256];

/* Both filters byte for byte equal: a rejected edit must not touch the filter. */
static bool same(const struct vista_filter *a, const struct vista_filter *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static void test_addr(void)
{
	static const unsigned char v6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const unsigned char v4[4] = { 10, 0, 0, 1 };
	struct vista_filter f = { 0 }, before;

	is_int(structured_set_addr(&f, "10.0.0.1", err, sizeof(err)), 0, "IPv4 address accepted");
	ok(memcmp(f.addr, v4, 4) == 0, "  stored in network order in addr[0..3]");
	ok(f.flags & VISTA_F_ADDR4, "  VISTA_F_ADDR4 set");

	is_int(structured_set_addr(&f, "fd00::1", err, sizeof(err)), 0, "IPv6 address accepted");
	ok(memcmp(f.addr, v6, 16) == 0, "  all 16 bytes stored");
	ok((f.flags & (VISTA_F_ADDR4 | VISTA_F_ADDR6)) == VISTA_F_ADDR6, "  VISTA_F_ADDR6 set, ADDR4 cleared");

	is_int(structured_set_addr(&f, "192.168.1.254", err, sizeof(err)), 0, "IPv4 after IPv6");
	ok((f.flags & (VISTA_F_ADDR4 | VISTA_F_ADDR6)) == VISTA_F_ADDR4, "  back to VISTA_F_ADDR4 only");
	ok(f.addr[3] == 254 && f.addr[4] == 0 && f.addr[15] == 0, "  IPv6 tail bytes cleared");

	before = f;
	is_int(structured_set_addr(&f, "300.1.1.1", err, sizeof(err)), -1, "300.1.1.1 rejected");
	is_str(err, "invalid IP address \"300.1.1.1\"", "  with its message");
	ok(same(&f, &before), "  filter unchanged");
	is_int(structured_set_addr(&f, "", err, sizeof(err)), -1, "empty address rejected");
	is_int(structured_set_addr(&f, "10.0.0.1/24", err, sizeof(err)), -1, "CIDR rejected");
	is_int(structured_set_addr(&f, "fe80::1%eth0", err, sizeof(err)), -1, "scoped IPv6 rejected");
	is_int(structured_set_addr(&f, "example.com", err, sizeof(err)), -1, "host name rejected");
	ok(same(&f, &before), "  filter still unchanged");
}

static void test_port(void)
{
	struct vista_filter f = { 0 }, before;

	is_int(structured_set_port(&f, "443", err, sizeof(err)), 0, "port 443 accepted");
	is_int(f.port, 443, "  stored in host order");
	ok(f.flags & VISTA_F_PORT, "  VISTA_F_PORT set");
	is_int(structured_set_port(&f, "65535", err, sizeof(err)), 0, "port 65535 accepted");
	is_int(f.port, 65535, "  stored");
	is_int(structured_set_port(&f, "0x50", err, sizeof(err)), 0, "hex port accepted");
	is_int(f.port, 80, "  0x50 is 80");

	before = f;
	is_int(structured_set_port(&f, "70000", err, sizeof(err)), -1, "port 70000 rejected");
	is_str(err, "invalid port \"70000\": value out of range (max 65535)", "  with its message");
	is_int(structured_set_port(&f, "-1", err, sizeof(err)), -1, "port -1 rejected");
	is_str(err, "invalid port \"-1\": invalid syntax", "  as a syntax error");
	is_int(structured_set_port(&f, "http", err, sizeof(err)), -1, "service name rejected");
	ok(same(&f, &before), "  filter unchanged");

	is_int(structured_set_port(&f, "0", err, sizeof(err)), 0, "port 0 accepted");
	ok(!(f.flags & VISTA_F_PORT) && f.port == 0, "  and clears the port filter");
}

static void test_proto(void)
{
	static const struct {
		const char *text;
		int proto;
	} good[] = {
		{ "tcp", 6 },     { "udp", 17 }, { "icmp", 1 }, { "icmp6", 58 },
		{ "icmpv6", 58 }, { "TCP", 6 },  { "Udp", 17 },
	};
	struct vista_filter f = { 0 }, before;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		f.l4_proto = 0;
		is_int(structured_set_proto(&f, good[i].text, err, sizeof(err)), 0, good[i].text);
		ok(f.l4_proto == good[i].proto && (f.flags & VISTA_F_PROTO), "  %s is protocol %d", good[i].text,
		   good[i].proto);
	}
	before = f;
	is_int(structured_set_proto(&f, "sctpx", err, sizeof(err)), -1, "sctpx rejected");
	is_str(err, "invalid protocol \"sctpx\" (want tcp, udp, icmp or icmp6)", "  with its message");
	ok(same(&f, &before), "  filter unchanged");
	is_int(structured_set_proto(&f, "6", err, sizeof(err)), -1, "protocol number rejected");

	is_int(structured_set_proto(&f, "any", err, sizeof(err)), 0, "\"any\" accepted");
	ok(!(f.flags & VISTA_F_PROTO) && f.l4_proto == 0, "  and clears the protocol filter");
	structured_set_proto(&f, "udp", err, sizeof(err));
	is_int(structured_set_proto(&f, "", err, sizeof(err)), 0, "\"\" accepted");
	ok(!(f.flags & VISTA_F_PROTO), "  and clears the protocol filter");
}

static void test_mark(void)
{
	struct vista_filter f = { 0 }, before;

	is_int(structured_set_mark(&f, "0x100", err, sizeof(err)), 0, "mark 0x100 accepted");
	ok(f.mark == 0x100 && f.mark_mask == 0xffffffff && (f.flags & VISTA_F_MARK), "  exact match on all bits");
	is_int(structured_set_mark(&f, "0x1/0xff", err, sizeof(err)), 0, "mark 0x1/0xff accepted");
	ok(f.mark == 1 && f.mark_mask == 0xff, "  value and mask stored");

	before = f;
	is_int(structured_set_mark(&f, "0x3/0x1", err, sizeof(err)), -1, "mark outside its mask rejected");
	is_str(err, "invalid mark \"0x3/0x1\": mark 0x3 has bits outside mask 0x1", "  with its message");
	is_int(structured_set_mark(&f, "lots", err, sizeof(err)), -1, "text mark rejected");
	is_str(err, "invalid mark \"lots\": invalid syntax", "  as a syntax error");
	ok(same(&f, &before), "  filter unchanged");
}

static void test_pid(void)
{
	struct vista_filter f = { 0 }, before;

	is_int(structured_set_pid(&f, "1234", err, sizeof(err)), 0, "pid 1234 accepted");
	ok(f.pid == 1234 && (f.flags & VISTA_F_PID), "  stored with VISTA_F_PID");

	before = f;
	is_int(structured_set_pid(&f, "0", err, sizeof(err)), -1, "pid 0 rejected");
	is_str(err, "invalid pid \"0\": must be greater than 0", "  with its message");
	is_int(structured_set_pid(&f, "0x10", err, sizeof(err)), -1, "hex pid rejected");
	is_str(err, "invalid pid \"0x10\": invalid syntax", "  as a syntax error");
	is_int(structured_set_pid(&f, "-5", err, sizeof(err)), -1, "negative pid rejected");
	is_int(structured_set_pid(&f, "2147483648", err, sizeof(err)), -1, "pid above INT32_MAX rejected");
	is_str(err, "invalid pid \"2147483648\": value out of range (max 2147483647)", "  as out of range");
	ok(same(&f, &before), "  filter unchanged");
}

static void test_describe(void)
{
	struct vista_filter f = { 0 };
	char buf[256], tiny[8];

	structured_describe(&f, buf, sizeof(buf));
	is_str(buf, "", "no filters: empty description");

	structured_set_addr(&f, "10.0.0.1", err, sizeof(err));
	structured_set_port(&f, "80", err, sizeof(err));
	structured_describe(&f, buf, sizeof(buf));
	is_str(buf, "addr 10.0.0.1 port 80", "address and port");

	f.flags |= VISTA_F_NETNS | VISTA_F_IFINDEX;
	f.netns = 4026531840u;
	f.ifindex = 2;
	structured_set_mark(&f, "0x1/0xff", err, sizeof(err));
	structured_set_addr(&f, "fd00::1", err, sizeof(err));
	structured_set_proto(&f, "icmpv6", err, sizeof(err));
	structured_set_pid(&f, "42", err, sizeof(err));
	structured_describe(&f, buf, sizeof(buf));
	is_str(buf, "addr fd00::1 port 80 proto icmp6 mark 0x1/0xff pid 42 netns inode:4026531840 ifindex 2",
	       "every filter, in a fixed order, netns in the command language's inode:N form");

	structured_set_mark(&f, "7", err, sizeof(err));
	f.flags = VISTA_F_MARK | VISTA_F_PROTO;
	f.l4_proto = 132;
	structured_describe(&f, buf, sizeof(buf));
	is_str(buf, "proto 132 mark 0x7", "full mask omitted, unknown protocol as a number");

	memset(tiny, 'x', sizeof(tiny));
	structured_describe(&f, tiny, sizeof(tiny));
	is_str(tiny, "proto 1", "a short buffer is truncated and terminated");
}

int main(void)
{
	test_addr();
	test_port();
	test_proto();
	test_mark();
	test_pid();
	test_describe();
	return tap_done();
}
