/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pure parts of the Build and Ship checks: the secret scanner, image
 * references and their policy pass, the profile's "image" section, the
 * dpkg and apk parsers and the CycloneDX document, and the man page's
 * table of finding ids against src/core/rules.c.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/audit.h"
#include "hardrun/image.h"
#include "hardrun/mount_options.h"
#include "hardrun/sbom.h"
#include "helpers.h"

static size_t scan(const char *path, const char *text, struct hr_secret_hit *hits)
{
	return hr_secrets_scan(path, text, strlen(text), hits, HR_SECRET__MAX);
}

static bool has_kind(const struct hr_secret_hit *h, size_t n, enum hr_secret_kind k, unsigned line)
{
	for (size_t i = 0; i < n; i++)
		if (h[i].kind == k && (line == 0 || h[i].line == line))
			return true;
	return false;
}

#define KEY_BODY                                                                                  \
	"MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6f" \
	"fAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwIDAQABAkBmV5Y\n"

Test(secrets, private_keys_need_header_body_and_footer)
{
	struct hr_secret_hit h[HR_SECRET__MAX];
	const char *pem = "-----BEGIN PRIVATE KEY-----\n" KEY_BODY "-----END PRIVATE KEY-----\n";
	const char *json = "{\"type\": \"service_account\",\n \"private_key\": \"-----BEGIN PRIVATE "
			   "KEY-----\\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAu1SU1LfVLPHCozMxH2Mo"
			   "4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7o\\n-----END PRIVATE KEY-----\\n\"}\n";
	size_t n = scan("/srv/tls/server.key", pem, h);

	cr_expect(n == 1 && h[0].kind == HR_SECRET_PRIVATE_KEY && h[0].line == 1);
	n = scan("/root/key.txt", "notes\n-----BEGIN OPENSSH PRIVATE KEY-----\n" KEY_BODY
				  "-----END OPENSSH PRIVATE KEY-----\n", h);
	cr_expect(has_kind(h, n, HR_SECRET_PRIVATE_KEY, 2), "the line of the header");
	n = scan("/app/sa.json", json, h);
	cr_expect(has_kind(h, n, HR_SECRET_PRIVATE_KEY, 0), "a key inside JSON, with \\n escapes");
	cr_expect(has_kind(h, n, HR_SECRET_CLOUD_SERVICE_KEY, 0), "a service account key file");
	/* Documentation that quotes the markers holds no key. */
	cr_expect_eq(scan("/usr/share/doc/x/README",
			  "Keys look like -----BEGIN RSA PRIVATE KEY----- ... -----END RSA PRIVATE "
			  "KEY-----\n",
			  h),
		     0);
	cr_expect_eq(scan("/x.pem", "-----BEGIN PRIVATE KEY-----\nshort\n-----END PRIVATE KEY-----\n", h), 0);
	cr_expect_eq(scan("/cert.pem", "-----BEGIN CERTIFICATE-----\n" KEY_BODY "-----END CERTIFICATE-----\n", h), 0,
		     "a certificate is public");
}

Test(secrets, tokens_of_known_services)
{
	struct hr_secret_hit h[HR_SECRET__MAX];

	cr_expect_eq(hr_secret_token_kind("id = AKIAQWERTYUIOPASDFGH\n", 26), HR_SECRET_AWS_ACCESS_KEY);
	cr_expect_eq(hr_secret_token_kind("AKIAQWERTYUIOPASDFGHJ", 21), -1, "21 characters is no key id");
	cr_expect_eq(hr_secret_token_kind("xAKIAQWERTYUIOPASDFGH", 21), -1, "not at a word boundary");
	cr_expect_eq(hr_secret_token_kind("ghp_0123456789abcdefghijABCDEFGHIJ012345", 40), HR_SECRET_TOKEN);
	cr_expect_eq(hr_secret_token_kind("ghp_short", 9), -1);
	cr_expect_eq(hr_secret_token_kind("xoxb-1234567890-abcdefghijklmnop", 32), HR_SECRET_TOKEN);
	cr_expect_eq(hr_secret_token_kind("glpat-abcdefghij0123456789", 26), HR_SECRET_TOKEN);
	cr_expect(scan("/etc/app/README", "token ghp_0123456789abcdefghijABCDEFGHIJ012345\n", h) == 1 &&
		  h[0].kind == HR_SECRET_TOKEN, "tokens are looked for in any text file");
}

Test(secrets, assignments_only_in_configuration_files_and_not_placeholders)
{
	struct hr_secret_hit h[HR_SECRET__MAX];
	size_t n;

	n = scan("/etc/app/config.yaml", "db:\n  host: x\n  password: \"hunter2hunter2\"\n", h);
	cr_expect(has_kind(h, n, HR_SECRET_ASSIGNMENT, 3));
	n = scan("/etc/app/app.ini", "[db]\n; password = hunter2hunter2\npassword = changeme\n"
				     "token = ${TOKEN}\napi_key=\npassword_file = /run/secrets/db\n", h);
	cr_expect_eq(n, 0, "comments, placeholders, references and paths are not secrets");
	cr_expect_eq(scan("/usr/bin/script", "password = hunter2hunter2\n", h), 0,
		     "not a configuration file");
	n = scan("/app/.env", "# settings\nPORT=8080\n", h);
	cr_expect(n == 1 && h[0].kind == HR_SECRET_DOTENV && h[0].line == 0, "a .env file with values");
	cr_expect_eq(scan("/app/.env.example", "# PORT=\n", h), 0, "a .env without values");
	n = scan("/app/.env.production", "export API_TOKEN='abcDEF123456xyz'\n", h);
	cr_expect(has_kind(h, n, HR_SECRET_DOTENV, 1));
	n = scan("/home/u/.aws/credentials", "[default]\naws_secret_access_key = abcdEFGH1234ijkl\n", h);
	cr_expect(has_kind(h, n, HR_SECRET_AWS_CREDENTIALS, 2));
	n = scan("/root/.docker/config.json", "{\"auths\": {\"r.io\": {\"auth\": \"dXNlcjpwYXNzd29yZA==\"}}}\n", h);
	cr_expect(has_kind(h, n, HR_SECRET_REGISTRY_AUTH, 1), "%zu", n);
	n = scan("/app/settings.toml", "url = \"postgres://app:s3cretpass@db:5432/app\"\n", h);
	cr_expect(has_kind(h, n, HR_SECRET_URL_CREDENTIALS, 1));
	cr_expect_eq(scan("/app/settings.toml", "url = \"https://example.com:8443/x\"\n", h), 0);
}

Test(secrets, shadow_hashes_not_locked_accounts)
{
	struct hr_secret_hit h[HR_SECRET__MAX];

	cr_expect_eq(scan("/etc/shadow", "root:*:19000:0:99999:7:::\nnobody:!:1::::::\n", h), 0);
	cr_expect(scan("/etc/shadow", "root:*:1::::::\napp:$y$j9T$abcdefghijklmnop$qrstuvwxyz0123456789ABCDEFG:1::::::\n", h) == 1 &&
		  h[0].kind == HR_SECRET_PASSWORD_HASH && h[0].line == 2);
}

Test(secrets, names_and_values_for_dockerfiles)
{
	cr_expect(hr_secret_name("DB_PASSWORD"));
	cr_expect(hr_secret_name("githubToken"));
	cr_expect(hr_secret_name("AWS_SECRET_ACCESS_KEY"));
	cr_expect_not(hr_secret_name("PASSWORD_FILE"));
	cr_expect_not(hr_secret_name("TOKEN_URL"));
	cr_expect_not(hr_secret_name("PATH"));
	cr_expect(hr_secret_value("s3cr3t-value"));
	cr_expect_not(hr_secret_value("${TOKEN}"));
	cr_expect_not(hr_secret_value("changeme"));
	cr_expect_not(hr_secret_value("/run/secrets/token"));
	cr_expect_not(hr_secret_value("xxxxxxxx"));
}

Test(image_ref, normal_form)
{
	static const struct {
		const char *in, *full;
	} cases[] = {
		{ "busybox", "docker.io/library/busybox:latest" },
		{ "busybox:1.36", "docker.io/library/busybox:1.36" },
		{ "team/app", "docker.io/team/app:latest" },
		{ "index.docker.io/library/alpine:3", "docker.io/library/alpine:3" },
		{ "localhost/app:1", "localhost/app:1" },
		{ "registry.example.com:5000/a/b:v2", "registry.example.com:5000/a/b:v2" },
		{ "ghcr.io/o/r@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		  "ghcr.io/o/r@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" },
	};
	struct hr_image_ref_parts p;

	for (size_t i = 0; i < HR_ARRAY_SIZE(cases); i++) {
		cr_assert_eq(hr_image_ref_parse(cases[i].in, &p), 0, "%s", cases[i].in);
		cr_expect_str_eq(p.full, cases[i].full);
		hr_image_ref_parts_done(&p);
	}
	cr_expect_eq(hr_image_ref_parse("UPPER/case", &p), -EINVAL);
	cr_expect_eq(hr_image_ref_parse("a@sha256:1234", &p), -EINVAL, "a short digest");
	cr_expect_eq(hr_image_ref_parse("", &p), -EINVAL);
	cr_expect_eq(hr_image_ref_parse("a//b", &p), -EINVAL);
}

static struct hr_profile *with_image(const char *image_json)
{
	struct hr_profile *p = hrt_profile("restricted");
	_cleanup_json_ cJSON *doc = hrt_json(image_json);
	hr_error err = { 0 };

	hr_image_policy_done(&p->image);
	cr_assert_eq(hr_image_policy_parse(doc, false, &p->image, &err), 0, "%s", err.msg);
	return p;
}

static int harden_with(struct hr_profile *p, const char *annotations, struct hr_findings *f)
{
	_cleanup_json_ cJSON *spec = hrt_fixture("containerd-ctr-run");
	hr_error err = { 0 };

	if (annotations)
		hr_json_set(spec, "annotations", hrt_json(annotations));
	return hr_harden(spec, p, NULL, f, &err);
}

Test(image_ref, policy_pass)
{
	struct hr_profile *p = with_image("{'image': {'allowedRefs': ['registry.example.com/team/*', "
					  "'docker.io/library/busybox'], 'requireDigest': false}}");
	struct hr_findings f = { 0 };

	cr_expect_eq(harden_with(p, "{'io.kubernetes.cri.image-name': 'registry.example.com/team/app:1'}", &f), 0);
	cr_expect_eq(hrt_count(&f, "image.ref-allowed"), 0);
	cr_expect_eq(harden_with(p, "{'io.kubernetes.cri.image-name': 'busybox:1.36'}", &f), 0,
		     "the name alone matches any tag, after normalising");
	cr_expect_eq(harden_with(p, "{'io.kubernetes.cri.image-name': 'evil.io/team/app:1'}", &f),
		     HR_E_REFUSED);
	hrt_expect(&f, "image.ref-allowed", HR_REFUSED, "/annotations/io.kubernetes.cri.image-name");
	cr_expect(strstr(hrt_find(&f, "image.ref-allowed", NULL)->message, "evil.io/team/app:1"),
		  "the message has the reference");
	cr_expect_eq(hrt_find(&f, "image.ref-allowed", NULL)->stage, HR_STAGE_SHIP);
	hr_findings_done(&f);
	cr_expect_eq(harden_with(p, NULL, &f), HR_E_REFUSED, "no reference: fail closed");
	hrt_expect(&f, "image.ref-allowed", HR_REFUSED, "/annotations");
	hr_findings_done(&f);
	cr_expect_eq(harden_with(p, "{'io.kubernetes.cri.image-name': 'registry.example.com.evil.io/team/x'}", &f),
		     HR_E_REFUSED, "a registry name is not a prefix");
	hr_findings_done(&f);
	hr_profile_free(p);

	p = with_image("{'image': {'requireDigest': true}}");
	cr_expect_eq(harden_with(p, "{'io.kubernetes.cri.image-name': 'docker.io/library/busybox:latest'}", &f),
		     HR_E_REFUSED);
	hrt_expect(&f, "image.ref-digest", HR_REFUSED, "/annotations/io.kubernetes.cri.image-name");
	hr_findings_done(&f);
	cr_expect_eq(harden_with(p, "{'io.kubernetes.cri.image-name': 'busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'}", &f), 0);
	hr_findings_done(&f);
	/* mode warn: reported, not refused */
	p->mode = HR_MODE_WARN;
	cr_expect_eq(harden_with(p, "{'io.kubernetes.cri.image-name': 'busybox'}", &f), 0);
	hrt_expect(&f, "image.ref-digest", HR_WARNED, NULL);
	hr_findings_done(&f);
	hr_profile_free(p);
}

Test(image_ref, the_audit_log_reads_the_same_reference)
{
	_cleanup_json_ cJSON *ann = hrt_json("{'io.kubernetes.cri.image-name': 'a/b:1', "
					     "'org.opencontainers.image.ref.name': 'c', "
					     "'io.kubernetes.cri.image-ref': 'x@sha256:abc'}");
	const char *ref, *digest;

	hr_image_ref(ann, &ref, &digest);
	cr_expect_str_eq(ref, "a/b:1");
	cr_expect_str_eq(digest, "sha256:abc");
	cr_expect_str_eq(hr_image_ref_keys[0], "io.kubernetes.cri.image-name");
}

Test(profile_image, keys_defaults_and_errors)
{
	static const struct {
		const char *doc, *err;
	} bad[] = {
		{ "{'image': {'audit': 'yes'}}", "/image/audit" },
		{ "{'image': {'refuseAt': 'severe'}}", "/image/refuseAt" },
		{ "{'image': {'allowedRefs': []}}", "empty" },
		{ "{'image': {'allowedRefs': ['bad pattern']}}", "/image/allowedRefs/0" },
		{ "{'image': {'minimal': 'yes'}}", "/image/minimal" },
		{ "{'image': {'sbom': true}}", "/image/sbom: unknown key" },
		{ "{'image': []}", "/image: expected an object" },
		{ "{'image': {'allowedRefs': {'add': ['a/*']}}}", "needs a base profile" },
	};
	struct hr_image_policy pol;
	hr_error err = { 0 };

	for (size_t i = 0; i < HR_ARRAY_SIZE(bad); i++) {
		_cleanup_json_ cJSON *doc = hrt_json(bad[i].doc);
		cr_expect_eq(hr_image_policy_parse(doc, false, &pol, &err), HR_E_INVALID, "%s", bad[i].doc);
		cr_expect(strstr(err.msg, bad[i].err), "%s: %s", bad[i].doc, err.msg);
	}
	{
		_cleanup_json_ cJSON *doc = hrt_json("{}");
		cr_assert_eq(hr_image_policy_parse(doc, false, &pol, &err), 0);
		cr_expect(pol.audit == HR_IMAGE_AUDIT_OFF && pol.refuse_at == HR_SEV_HIGH &&
			  !pol.minimal && !pol.allowed_refs && !pol.require_digest);
	}
	{
		/* A loaded profile keeps it, and `profile show` writes it back. */
		struct hr_profile *p = with_image("{'image': {'audit': 'refuse', 'refuseAt': 'medium', "
						  "'allowedRefs': ['r.io/*']}}");
		cJSON *shown = hr_profile_to_json(p);
		struct hr_profile *back = NULL;
		cr_assert_eq(hr_profile_parse(shown, false, "x", "x", hr_mount_options_host(), &back, &err), 0, "%s", err.msg);
		cr_expect(back->image.audit == HR_IMAGE_AUDIT_REFUSE && back->image.refuse_at == HR_SEV_MEDIUM &&
			  back->image.allowed_refs && strcmp(back->image.allowed_refs[0], "r.io/*") == 0);
		cJSON_Delete(shown);
		hr_profile_free(back);
		hr_profile_free(p);
	}
}

Test(profile_image, weaker)
{
	struct hr_profile *strict = with_image("{'image': {'allowedRefs': ['r.io/*'], 'requireDigest': true}}");
	struct hr_profile *any = hrt_profile("restricted");
	char why[256];

	cr_expect(hr_profile_weaker(any, strict, why, sizeof why));
	cr_expect(strstr(why, "any registry"), "%s", why);
	cr_expect_not(hr_profile_weaker(strict, any, why, sizeof why), "%s", why);
	hr_profile_free(strict);
	hr_profile_free(any);
}

Test(sbom, dpkg_status_and_status_d)
{
	const char *status =
		"Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nMulti-Arch: same\n"
		"Source: glibc\nVersion: 2.36-9+deb12u4\nDescription: GNU C Library\n shared libraries\n"
		" .\n more\n\n"
		"Package: oldpkg\nStatus: deinstall ok config-files\nVersion: 1.0\nArchitecture: all\n\n"
		"Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\nArchitecture: amd64\n";
	struct hr_packages p = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(hr_dpkg_parse(status, strlen(status), "status", false, &p, &err), 0, "%s", err.msg);
	cr_assert_eq(p.n, 2, "config-files is not installed");
	hr_packages_sort(&p);
	cr_expect_str_eq(p.v[0].name, "bash");
	cr_expect_str_eq(p.v[1].name, "libc6");
	cr_expect_str_eq(p.v[1].source, "glibc");
	cr_expect_str_eq(p.v[1].version, "2.36-9+deb12u4");
	{
		struct hr_os_release os;
		_cleanup_free_ char *purl = NULL;
		hr_os_release_parse("NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n", &os);
		purl = hr_purl(&p.v[1], &os);
		cr_expect_str_eq(purl, "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12");
		hr_os_release_done(&os);
	}
	hr_packages_done(&p);
	{
		const char *d = "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n";
		cr_assert_eq(hr_dpkg_parse(d, strlen(d), "status.d/base", true, &p, &err), 0);
		cr_expect_eq(p.n, 1, "distroless: no Status");
		hr_packages_done(&p);
	}
	{
		const char *d = "Package: x\nStatus: install ok installed\n";
		cr_expect_eq(hr_dpkg_parse(d, strlen(d), "status", false, &p, &err), HR_E_INVALID);
		cr_expect(strstr(err.msg, "status:1: package x has no Version"), "%s", err.msg);
		hr_packages_done(&p);
	}
}

Test(sbom, apk_installed)
{
	const char *db = "C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\no:musl\nT:the C library\n\n"
			 "P:libcrypto3\nV:3.1.4-r5\nA:x86_64\no:openssl\n\n";
	struct hr_packages p = { 0 };
	struct hr_os_release os;
	hr_error err = { 0 };
	_cleanup_free_ char *purl = NULL;

	cr_assert_eq(hr_apk_parse(db, strlen(db), "installed", &p, &err), 0, "%s", err.msg);
	cr_assert_eq(p.n, 2);
	cr_expect_null(p.v[0].source, "origin = name is not a source");
	cr_expect_str_eq(p.v[1].source, "openssl");
	hr_os_release_parse("ID=alpine\nVERSION_ID=3.19.1\n", &os);
	purl = hr_purl(&p.v[0], &os);
	cr_expect_str_eq(purl, "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.1");
	hr_os_release_done(&os);
	hr_packages_done(&p);
	cr_expect_eq(hr_apk_parse("P:x\n\n", 5, "installed", &p, &err), HR_E_INVALID);
	hr_packages_done(&p);
}

Test(sbom, cyclonedx_required_structure)
{
	const char *status = "Package: bash\nStatus: install ok installed\nVersion: 5.2\nArchitecture: amd64\n";
	struct hr_packages p = { 0 };
	struct hr_os_release os;
	char *nc[] = { (char *)"rpm: /var/lib/rpm/Packages", NULL };
	hr_error err = { 0 };
	cJSON *doc;

	cr_assert_eq(hr_dpkg_parse(status, strlen(status), "s", false, &p, &err), 0);
	hr_os_release_parse("ID=debian\nVERSION_ID=12\nPRETTY_NAME=\"Debian 12\"\n", &os);
	{
		struct hr_sbom_input in = { .packages = &p, .os = &os,
					    .image_ref = "registry.example.com/app:1.0",
					    .image_digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
					    .timestamp = "2026-01-01T00:00:00Z",
					    .serial = "3e671687-395b-41f5-a30f-a58921a69b79",
					    .not_covered = nc };
		doc = hr_sbom_cyclonedx(&in);
	}
	hrt_assert_json(hrt_at(doc, "/bomFormat"), "'CycloneDX'", "bomFormat");
	hrt_assert_json(hrt_at(doc, "/specVersion"), "'1.5'", "specVersion");
	hrt_assert_json(hrt_at(doc, "/serialNumber"), "'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79'", "serial");
	hrt_assert_json(hrt_at(doc, "/version"), "1", "version");
	hrt_assert_json(hrt_at(doc, "/metadata/tools/components/0/name"), "'hardrun'", "tool");
	hrt_assert_json(hrt_at(doc, "/metadata/component/type"), "'container'", "image");
	hrt_assert_json(hrt_at(doc, "/metadata/component/name"), "'registry.example.com/app'", "image name");
	hrt_assert_json(hrt_at(doc, "/metadata/component/purl"),
			"'pkg:oci/app@sha256%3A0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef?repository_url=registry.example.com%2Fapp&tag=1.0'",
			"image purl");
	hrt_assert_json(hrt_at(doc, "/components/0/type"), "'operating-system'", "os");
	hrt_assert_json(hrt_at(doc, "/components/1/type"), "'library'", "package");
	hrt_assert_json(hrt_at(doc, "/components/1/purl"), "'pkg:deb/debian/bash@5.2?arch=amd64&distro=debian-12'", "purl");
	cr_expect(strstr(cJSON_PrintUnformatted(hrt_at(doc, "/metadata/properties")), "rpm: /var/lib/rpm/Packages"),
		  "what is not covered is said");
	cJSON_Delete(doc);
	hr_os_release_done(&os);
	hr_packages_done(&p);
}

Test(audit_rules, outcome_follows_the_profile)
{
	struct hr_image_entry setid = { (char *)"/usr/bin/su", 0104755, 0, 0 };
	struct hr_image_secret sec = { (char *)"/app/.env", HR_SECRET_DOTENV, 2 };
	struct hr_image_facts facts = { .setid = &setid, .n_setid = 1, .secrets = &sec, .n_secrets = 1 };
	struct hr_image_audit_input in = { .facts = &facts, .passwd = "root:x:0:0::/:/bin/sh\n", .uid = 65534 };
	struct hr_image_policy pol = { .audit = HR_IMAGE_AUDIT_OFF, .refuse_at = HR_SEV_HIGH };
	struct hr_findings f = { 0 };

	hr_image_audit_rules(&in, &pol, &f);
	hrt_expect(&f, "image.setuid", HR_WARNED, "/usr/bin/su");
	hrt_expect(&f, "image.secret", HR_WARNED, "/app/.env");
	hrt_expect(&f, "image.user-unknown", HR_WARNED, "/process/user/uid");
	cr_expect_eq(hrt_find(&f, "image.setuid", NULL)->stage, HR_STAGE_BUILD);
	cr_expect_null(strstr(hrt_findings_text(&f), "secret\n"), "no value");
	hr_findings_done(&f);
	pol.audit = HR_IMAGE_AUDIT_REFUSE;
	hr_image_audit_rules(&in, &pol, &f);
	hrt_expect(&f, "image.setuid", HR_WARNED, "/usr/bin/su"); /* medium < high */
	hrt_expect(&f, "image.secret", HR_REFUSED, "/app/.env");
	hr_findings_done(&f);
	cr_expect(hr_passwd_has_uid("root:x:0:0::/:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n", 65534));
	cr_expect_not(hr_passwd_has_uid("#x:x:65534:1\nu:x:655340:1\n", 65534));
}

/* The man page's table of finding ids is generated from hr_rules: this is
 * the generator, and the check that the page holds its output. */
#define roff_text hrt_roff_text

static bool ends_with_dot(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && s[n - 1] == '.';
}

Test(docs, finding_id_table_is_generated_from_rules)
{
	_cleanup_free_ char *path = hrt_src_path("man/hardrun.1");
	_cleanup_free_ char *man = hrt_read_file(path, NULL);
	char *want = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&want, &len);
	const char *begin, *end;

	cr_assert_not_null(man);
	/* A tagged list, not a table: the ids and the hints have words too
	 * long for a table's columns on an 80-column terminal. */
	for (size_t i = 0; i < hr_rules_count; i++) {
		const struct hr_rule *r = &hr_rules[i];
		fputs(".TP\n.BR ", out);
		roff_text(out, r->id);
		fprintf(out, " \" (%s, %s)\"\n", hr_stage_name(r->stage),
			hr_severity_name(r->severity));
		roff_text(out, r->summary);
		fputs(ends_with_dot(r->summary) ? "\n.br\nTo allow or fix: " : ".\n.br\nTo allow or fix: ",
		      out);
		roff_text(out, r->hint);
		fputs(ends_with_dot(r->hint) ? "\n" : ".\n", out);
	}
	fclose(out);
	{
		static const char mark[] = ".\\\" BEGIN FINDING ID TABLE\n";
		begin = strstr(man, mark);
		end = strstr(man, ".\\\" END FINDING ID TABLE\n");
		if (begin)
			begin += sizeof mark - 1;
	}
	if (!begin || !end || end < begin || (size_t)(end - begin) != len ||
	    strncmp(begin, want, len) != 0) {
		hrt_write_file("finding-id-table.man", want);
		cr_expect_fail("man/hardrun.1's FINDING IDS table differs from src/core/rules.c: "
			       "replace the lines between the BEGIN and END FINDING ID TABLE comments "
			       "with finding-id-table.man (written in the build directory)");
	}
	free(want);
}
