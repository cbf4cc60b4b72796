/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dockerfile text -> hr_dockerfile_parse -> hr_dockerfile_rules under
 * each shipped profile -> the text and JSON reports. Invariants: an error
 * has a message with the file's name; instructions and stages are in
 * order and inside the file; every finding's line is one of the file's;
 * no rule has more than its cap of findings; the reports are clean text
 * and valid UTF-8 JSON, whatever the file holds.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "hardrun/dockerfile.h"
#include "hardrun/report.h"
#include "hardrun/sanitize.h"

const char fz_target_name[] = "dockerfile";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_load_profiles();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fz_text(data, size);
	struct hr_dockerfile d;
	hr_error err = { 0 };
	size_t lines = 1;
	const struct fz_profile *fp = &fz_profiles[size ? data[size - 1] % fz_profiles_count : 0];

	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';
	if (hr_dockerfile_parse(text, size, "Dockerfile", &d, &err) < 0) {
		if (!strstr(err.msg, "Dockerfile"))
			fz_die("dockerfile: an error that does not name the file: %s", err.msg);
		return 0;
	}
	for (size_t i = 0; i < d.n; i++)
		if (d.v[i].line == 0 || d.v[i].line > lines || (i && d.v[i].line < d.v[i - 1].line))
			fz_die("dockerfile: instruction %zu at line %u of %zu", i, d.v[i].line, lines);
	for (size_t s = 0; s < d.n_stages; s++)
		if (d.stages[s].first > d.stages[s].end || d.stages[s].end > d.n ||
		    d.stages[s].base >= (int)s)
			fz_die("dockerfile: stage %zu: [%zu, %zu) of %zu, base %d", s, d.stages[s].first,
			       d.stages[s].end, d.n, d.stages[s].base);
	{
		struct hr_findings f = { 0 };
		struct hr_report_subject subj = { .input = "Dockerfile", .kind = "dockerfile",
						  .profile = fp->p };
		char *report = NULL;
		size_t rlen = 0;
		FILE *out;
		cJSON *doc;

		hr_dockerfile_rules(&d, fp->p, &f);
		fz_check_findings(&f);
		for (size_t i = 0; i < f.n; i++)
			if (f.v[i].line > lines)
				fz_die("dockerfile: a finding at line %u of %zu", f.v[i].line, lines);
		out = open_memstream(&report, &rlen);
		hr_report_text(out, &f, fp->p, 0);
		fclose(out);
		/* Lines of the report: no byte of the input ends one early. */
		for (char *l = report; l && *l;) {
			char *nl = strchr(l, '\n');
			if (nl)
				*nl = '\0';
			fz_check_text(l, "the text report");
			l = nl ? nl + 1 : NULL;
		}
		free(report);
		doc = hr_report_json(&f, &subj);
		report = hr_json_output(doc, false);
		fz_check_json(report, "the JSON report");
		free(report);
		cJSON_Delete(doc);
		doc = hr_report_sarif(&f, &subj);
		report = hr_json_output(doc, false);
		fz_check_json(report, "the SARIF report");
		free(report);
		cJSON_Delete(doc);
		hr_findings_done(&f);
	}
	hr_dockerfile_done(&d);
	return 0;
}
