/* report_json.c: fields of report objects with defaults. See report_json.h. */
#include "report_json.h"

const char *report_str(const json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : dflt;
}

long long report_int(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}
