/*
 * fuzz_publine.c - public key lines (.pub files, for IdentitiesOnly:
 * siphon_ssh_publine_blob).
 *
 * Input: the line.  Properties: never reads past the line; a decoded blob
 * is at most 3/4 of the line's length, and a blob whose key type field
 * parses names a type of printable text.
 */
#include "fuzz.h"

#include "ssh/auth.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line, type[64];
	unsigned char *blob = NULL;
	size_t len = 0;

	if ((line = malloc(size + 1)) == NULL)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	if (siphon_ssh_publine_blob(line, &blob, &len) == 0) {
		FUZZ_CHECK(blob != NULL && len <= size / 4 * 3);
		if (siphon_ssh_blob_type(type, sizeof(type), blob, len) == 0)
			FUZZ_CHECK(strlen(type) < sizeof(type));
	} else {
		FUZZ_CHECK(blob == NULL);
	}
	free(blob);
	free(line);
	return 0;
}
