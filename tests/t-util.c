// SPDX-License-Identifier: GPL-2.0-or-later
/* Option value parsers and the JSON writer. */
#include "config.h"

#include <stdlib.h>

#include "json.h"
#include "tap.h"
#include "util.h"

int main(void)
{
	is_int(parse_duration_ns("10"), 10000000000LL, "bare seconds");
	is_int(parse_duration_ns("2.5s"), 2500000000LL, "fractional seconds");
	is_int(parse_duration_ns("250ms"), 250000000LL, "milliseconds");
	is_int(parse_duration_ns("1m"), 60000000000LL, "minutes");
	is_int(parse_duration_ns("5x"), -1, "unknown unit rejected");
	is_int(parse_duration_ns(""), -1, "empty rejected");
	is_int(parse_duration_ns("-1"), -1, "negative rejected");
	is_int(parse_size("4096"), 4096, "bare bytes");
	is_int(parse_size("64M"), 64 << 20, "mebibytes");
	is_int(parse_size("1G"), 1LL << 30, "gibibytes");
	is_int(parse_size("512k"), 512 << 10, "kibibytes");
	is_int(parse_size("8MiB"), 8 << 20, "MiB suffix");
	is_int(parse_size("12Q"), -1, "unknown suffix rejected");
	is_int(parse_size("abc"), -1, "garbage rejected");
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		struct json j;

		json_init(&j, f);
		json_obj_begin(&j, NULL);
		json_str(&j, "s", "a\"b\\c\n\x01");
		json_arr_begin(&j, "a");
		json_int(&j, NULL, -3);
		json_uint(&j, NULL, 18446744073709551615ull);
		json_arr_end(&j);
		json_bool(&j, "t", true);
		json_double(&j, "d", 0.5);
		json_obj_end(&j);
		json_finish(&j);
		fclose(f);
		is_str(
		    buf,
		    "{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"a\":[-3,18446744073709551615],\"t\":true,"
		    "\"d\":0.5}\n",
		    "json escaping, nesting and commas");
		free(buf);
	}
	return tap_done();
}
