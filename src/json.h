/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A streaming JSON writer: objects and arrays nest, commas and escaping are handled here.
 * KEY is NULL inside arrays and for the outermost value.
 */
#ifndef MMTWIN_JSON_H
#define MMTWIN_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *f;
	int depth;
	bool need_comma[64];
};

void json_init(struct json *j, FILE *f);
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_strn(struct json *j, const char *key, const char *val, size_t len);
void json_int(struct json *j, const char *key, int64_t val);
void json_uint(struct json *j, const char *key, uint64_t val);
void json_double(struct json *j, const char *key, double val);
void json_bool(struct json *j, const char *key, bool val);
/* End the document with a newline. */
void json_finish(struct json *j);

#endif
