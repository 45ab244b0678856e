/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * infer_json.c - the inferred facts as a JSON object (jansson builds).
 */
#include "infer.h"

#if HAVE_JANSSON
#include <math.h>

json_t *hvs_infer_json(const struct hvs_inference *inf)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	for (int i = 0; i < HVS_FACT_COUNT; i++) {
		const struct hvs_fact *f = &inf->fact[i];
		json_t *e = json_pack("{s:s, s:s, s:s}", "answer", hvs_fact_answer_name(f->answer), "unit",
				      f->unit ? f->unit : "", "evidence", f->evidence);

		if (!e) {
			json_decref(o);
			return NULL;
		}
		json_object_set_new(e, "value", isnan(f->value) ? json_null() : json_real(f->value));
		json_object_set_new(o, f->key, e);
	}
	return o;
}
#endif
