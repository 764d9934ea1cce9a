#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/s3_call.h"

static const char *find(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n <= len && i <= len - n; i++)
        if (!memcmp(hay + i, needle, n)) return hay + i;
    return NULL;
}

char *sd_s3_xml_text(const char *xml, size_t len, const char *tag)
{
    char open[64], close[64];
    if (!xml) return NULL;
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *a = find(xml, len, open);
    if (!a) return NULL;
    a += strlen(open);
    const char *b = find(a, len - (size_t)(a - xml), close);
    if (!b) return NULL;
    return strndup(a, (size_t)(b - a));
}

/* ETags hold quotes, which XML text may carry as they are; '<' and '&' would break the document. */
char *sd_s3_xml_complete(const char *const *etags, int count)
{
    static const char head[] = "<CompleteMultipartUpload>", tail[] = "</CompleteMultipartUpload>";
    size_t cap = sizeof head + sizeof tail + 1;
    for (int i = 0; i < count; i++) {
        if (!etags[i] || strpbrk(etags[i], "<&>")) return NULL;
        cap += strlen(etags[i]) + 80;
    }
    char *out = malloc(cap);
    if (!out) return NULL;
    size_t n = (size_t)snprintf(out, cap, "%s", head);
    for (int i = 0; i < count; i++)
        n += (size_t)snprintf(out + n, cap - n, "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>",
                              i + 1, etags[i]);
    snprintf(out + n, cap - n, "%s", tail);
    return out;
}
