/* db/s3_xml: the few fields read from S3's XML answers, and the CompleteMultipartUpload body. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "db/s3_call.h"

static const char INITIATE[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<InitiateMultipartUploadResult "
    "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>b</Bucket><Key>k</Key>"
    "<UploadId>VXBsb2FkIElE-ZWxldmVu</UploadId></InitiateMultipartUploadResult>";

Test(s3_xml, reads_a_field)
{
    char *id = sd_s3_xml_text(INITIATE, strlen(INITIATE), "UploadId");
    cr_assert_str_eq(id, "VXBsb2FkIElE-ZWxldmVu");
    free(id);
    cr_assert_null(sd_s3_xml_text(INITIATE, strlen(INITIATE), "Code"));
    cr_assert_null(sd_s3_xml_text(NULL, 0, "Code"));
}

Test(s3_xml, a_truncated_answer_has_no_field)
{
    const char *cut = strstr(INITIATE, "</UploadId>");
    cr_assert_null(sd_s3_xml_text(INITIATE, (size_t)(cut - INITIATE) + 3, "UploadId"));
    cr_assert_null(sd_s3_xml_text(INITIATE, 10, "UploadId"));
}

Test(s3_xml, complete_body_lists_parts_in_order)
{
    const char *etags[] = {"\"a1\"", "\"b2\"", "\"c3\""};
    char *body = sd_s3_xml_complete(etags, 3);
    cr_assert_str_eq(body, "<CompleteMultipartUpload>"
                           "<Part><PartNumber>1</PartNumber><ETag>\"a1\"</ETag></Part>"
                           "<Part><PartNumber>2</PartNumber><ETag>\"b2\"</ETag></Part>"
                           "<Part><PartNumber>3</PartNumber><ETag>\"c3\"</ETag></Part>"
                           "</CompleteMultipartUpload>");
    free(body);
}

Test(s3_xml, complete_refuses_etags_that_would_break_the_document)
{
    const char *bad[] = {"\"a\"", "\"</ETag><x>\""};
    cr_assert_null(sd_s3_xml_complete(bad, 2));
    const char *missing[] = {"\"a\"", NULL};
    cr_assert_null(sd_s3_xml_complete(missing, 2));
}
