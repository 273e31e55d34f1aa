/*
 * The walk over a message's MIME tree (see mime_walk.h).
 */
#include "doc/extract/mime_walk.h"

bool ud_mime_is_type(GMimeObject *obj, const char *type, const char *subtype)
{
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    return ct && g_mime_content_type_is_type(ct, type, subtype);
}

static void walk(GMimeObject *obj, const ud_mime_visitor *v, int depth);

static void walk_alternative(GMimeMultipart *mp, const ud_mime_visitor *v, int depth)
{
    int n = g_mime_multipart_get_count(mp);
    GMimeObject *plain = NULL, *html = NULL, *other = NULL;
    for (int i = 0; i < n; i++) {
        GMimeObject *part = g_mime_multipart_get_part(mp, i);
        if (!plain && ud_mime_is_type(part, "text", "plain"))
            plain = part;
        else if (!html && ud_mime_is_type(part, "text", "html"))
            html = part;
        else if (!other && GMIME_IS_MULTIPART(part))
            other = part;
    }
    GMimeObject *chosen = plain ? plain : (other ? other : html);
    if (chosen)
        walk(chosen, v, depth + 1);
}

static void walk(GMimeObject *obj, const ud_mime_visitor *v, int depth)
{
    if (!obj || depth > UD_MIME_MAX_DEPTH || (v->stop && v->stop(v->payload)))
        return;
    if (GMIME_IS_MESSAGE_PART(obj)) {
        /* A forwarded message: its body counts as body. */
        GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
        if (inner)
            walk(g_mime_message_get_mime_part(inner), v, depth + 1);
        return;
    }
    if (GMIME_IS_MULTIPART(obj)) {
        GMimeMultipart *mp = GMIME_MULTIPART(obj);
        if (ud_mime_is_type(obj, "multipart", "alternative")) {
            walk_alternative(mp, v, depth);
            return;
        }
        int n = g_mime_multipart_get_count(mp);
        for (int i = 0; i < n; i++)
            walk(g_mime_multipart_get_part(mp, i), v, depth + 1);
        return;
    }
    if (!GMIME_IS_PART(obj))
        return;
    GMimePart *part = GMIME_PART(obj);
    if (g_mime_part_is_attachment(part) || g_mime_part_get_filename(part)) {
        v->attachment(part, v->payload);
        return;
    }
    if (GMIME_IS_TEXT_PART(obj) && ud_mime_is_type(obj, "text", "*"))
        v->text(GMIME_TEXT_PART(obj), ud_mime_is_type(obj, "text", "html"), v->payload);
}

void ud_mime_walk(GMimeObject *root, const ud_mime_visitor *visitor)
{
    walk(root, visitor, 0);
}
