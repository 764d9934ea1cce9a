#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "services/unfurl_page.h"

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

Test(unfurl_page, links_in_order_unique_bounded_and_without_punctuation)
{
    json_t *l = sd_unfurl_links("see https://a.example/x, (https://b.example/wiki/A_(b)) and "
                                "<https://quiet.example> HTTP://c.example/p?q=1. https://a.example/x "
                                "nothttps://d.example ftp://e.example https://f.example https://g.example",
                                5);
    cr_assert_eq(json_array_size(l), 5, "%s", json_dumps(l, 0));
    cr_assert_str_eq(json_string_value(json_array_get(l, 0)), "https://a.example/x");
    cr_assert_str_eq(json_string_value(json_array_get(l, 1)), "https://b.example/wiki/A_(b)");
    cr_assert_str_eq(json_string_value(json_array_get(l, 2)), "HTTP://c.example/p?q=1");
    cr_assert_str_eq(json_string_value(json_array_get(l, 3)), "https://f.example");
    cr_assert_str_eq(json_string_value(json_array_get(l, 4)), "https://g.example");
    json_decref(l);
    l = sd_unfurl_links("no links here, http:// nor https://", 5);
    cr_assert_eq(json_array_size(l), 0);
    json_decref(l);
}

Test(unfurl_page, opengraph_wins_over_twitter_and_title)
{
    const char *html = "<!doctype html><html><head><title>Plain &amp; simple</title>"
                       "<!-- <meta property=\"og:title\" content=\"commented out\"> -->"
                       "<script>var s = '<meta property=\"og:title\" content=\"in a script\">';</script>"
                       "<meta name=\"twitter:title\" content=\"Tweety\">"
                       "<META PROPERTY='og:title' CONTENT='The &quot;Title&quot; &#x263A; &#9731;'>"
                       "<meta content=\"A   page\n about\tthings\" property=\"og:description\"/>"
                       "<meta property=\"og:site_name\" content=\"Example\">"
                       "<meta property=\"og:type\" content=\"article\">"
                       "<meta property=\"og:image\" content=\"/img/a.png?x=1&amp;y=2\">"
                       "<meta property=\"og:image:width\" content=\"640\">"
                       "<meta property=\"og:image:height\" content=\"480\">"
                       "<meta name=\"theme-color\" content=\"#3366ff\">"
                       "</head><body>hi</body></html>";
    json_t *e = sd_unfurl_page("https://site.example/post/1", "text/html; charset=utf-8", html, strlen(html));
    cr_assert_not_null(e);
    cr_assert_str_eq(str(e, "type"), "article");
    cr_assert_str_eq(str(e, "url"), "https://site.example/post/1");
    cr_assert_str_eq(str(e, "title"), "The \"Title\" \xe2\x98\xba \xe2\x98\x83");
    cr_assert_str_eq(str(e, "description"), "A page about things");
    cr_assert_str_eq(str(json_object_get(e, "provider"), "name"), "Example");
    json_t *thumb = json_object_get(e, "thumbnail");
    cr_assert_str_eq(str(thumb, "url"), "https://site.example/img/a.png?x=1&y=2");
    cr_assert_eq(json_integer_value(json_object_get(thumb, "width")), 640);
    cr_assert_eq(json_integer_value(json_object_get(e, "color")), 0x3366ff);
    json_decref(e);
}

Test(unfurl_page, fallbacks_large_cards_and_nothing_to_show)
{
    const char *html = "<html><head><title>\n  Only a title  </title>"
                       "<meta name=twitter:card content=summary_large_image>"
                       "<meta name=twitter:image content=https://cdn.example/big.jpg>"
                       "<meta name=description content='Described'></head>";
    json_t *e = sd_unfurl_page("http://a.example/", "text/html", html, strlen(html));
    cr_assert_str_eq(str(e, "type"), "link");
    cr_assert_str_eq(str(e, "title"), "Only a title");
    cr_assert_str_eq(str(e, "description"), "Described");
    cr_assert_str_eq(str(json_object_get(e, "image"), "url"), "https://cdn.example/big.jpg");
    json_decref(e);
    const char *bare = "<html><body>nothing</body></html>";
    cr_assert_null(sd_unfurl_page("http://a.example/", "text/html", bare, strlen(bare)));
    cr_assert_null(sd_unfurl_page("http://a.example/", "application/json", "{}", 2));
    const char *js = "<meta property=\"og:image\" content=\"javascript:alert(1)\"><title>t</title>";
    e = sd_unfurl_page("http://a.example/", NULL, js, strlen(js));
    cr_assert_null(json_object_get(e, "thumbnail"), "only http(s) images");
    json_decref(e);
}

Test(unfurl_page, limits_and_broken_text)
{
    size_t n = 20000;
    char *html = malloc(n + 100);
    strcpy(html, "<title>");
    memset(html + 7, 'x', n);
    strcpy(html + 7 + n,
           "</title><meta property=\"og:description\" content=\"bad \xff\xfe utf8 &#0; &#xD800;\">");
    json_t *e = sd_unfurl_page("http://a.example/", "text/html", html, strlen(html));
    cr_assert_eq(strlen(str(e, "title")), 256);
    cr_assert_str_eq(str(e, "description"), "bad \xef\xbf\xbd\xef\xbf\xbd utf8 \xef\xbf\xbd \xef\xbf\xbd");
    json_decref(e);
    /* Cut off anywhere: an unclosed tag, attribute or comment ends the scan, nothing more. */
    const char *cuts[] = {"<meta property=\"og:title\" content=\"unclosed",
                          "<title>never closed",
                          "<!-- open",
                          "<meta",
                          "<",
                          "<script>",
                          "<meta property=og:title content="};
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++)
        json_decref(sd_unfurl_page("http://a.example/", "text/html", cuts[i], strlen(cuts[i])));
    free(html);
}

Test(unfurl_page, images_and_videos_are_their_own_embeds)
{
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                        'I',  'H', 'D', 'R', 0,    0,    1,    0,    0, 0, 0, 200};
    json_t *e = sd_unfurl_page("https://a.example/p.png", "image/png", (const char *)png, sizeof png);
    cr_assert_str_eq(str(e, "type"), "image");
    json_t *t = json_object_get(e, "thumbnail");
    cr_assert_eq(json_integer_value(json_object_get(t, "width")), 256);
    cr_assert_eq(json_integer_value(json_object_get(t, "height")), 200);
    json_decref(e);
    static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 4,    0, 0,    0xFF,
                                         0xC0, 0,    17,   8,    0, 0x30, 0, 0x40, 3};
    e = sd_unfurl_page("https://a.example/p.jpg", "image/jpeg", (const char *)jpeg, sizeof jpeg);
    t = json_object_get(e, "thumbnail");
    cr_assert_eq(json_integer_value(json_object_get(t, "width")), 0x40);
    cr_assert_eq(json_integer_value(json_object_get(t, "height")), 0x30);
    json_decref(e);
    e = sd_unfurl_page("https://a.example/x.gif", "image/gif", "GIF8", 4);
    cr_assert_null(json_object_get(json_object_get(e, "thumbnail"), "width"),
                   "a header too short tells nothing");
    json_decref(e);
    e = sd_unfurl_page("https://a.example/v.mp4", "video/mp4", "", 0);
    cr_assert_str_eq(str(e, "type"), "video");
    json_decref(e);
}
