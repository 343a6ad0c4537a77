/*
 * ticket_samples.c - sample tickets: 58 and 80 mm, raster, code page and
 * user-defined characters, native and raster QR, a long procedure name
 * that must wrap, a reprint.
 * Issue time 2026-11-28 01:15:00 UTC (08:15 in Viet Nam).
 */
#include "printers/ticket_samples.h"

#include <string.h>

#define SAMPLE_TIME ((time_t)1795828500)

#define CENTRE "Trung tâm Phục vụ hành chính công tỉnh Thừa Thiên Huế"
#define LONGPROC "Đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y " \
	"tế cho trẻ em dưới 6 tuổi (liên thông thủ tục hành chính)"
#define FOOTER "Cảm ơn quý khách. Vui lòng chờ đến lượt."

static const struct ticket_sample samples[] = {
	{ "t58-raster",
	  { (char *)"p58", (char *)"file", (char *)"", 0, (char *)"none", 384,
	    (char *)"raster", 0 },
	  { CENTRE, "1024", "Hộ tịch", LONGPROC, "3, 4, 5", 12, 25, SAMPLE_TIME,
	    "https://hcc.example.vn/t/20261128-1024", FOOTER, 0 } },
	{ "t80-raster",
	  { (char *)"p80", (char *)"file", (char *)"", 0, (char *)"none", 576,
	    (char *)"raster", 1 },
	  { CENTRE, "1024", "Hộ tịch", LONGPROC, "3, 4, 5", 12, 25, SAMPLE_TIME,
	    "https://hcc.example.vn/t/20261128-1024", FOOTER, 0 } },
	{ "t80-cp1258",
	  { (char *)"p80cp", (char *)"file", (char *)"", 0, (char *)"none", 576,
	    (char *)"cp1258", 1 },
	  { CENTRE, "2517", "Đất đai", "Cấp đổi giấy chứng nhận quyền sử dụng "
	    "đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất",
	    "7, 8", 3, 10, SAMPLE_TIME, "https://hcc.example.vn/t/20261128-2517",
	    FOOTER, 0 } },
	{ "t58-reprint",
	  { (char *)"p58", (char *)"file", (char *)"", 0, (char *)"none", 384,
	    (char *)"raster", 0 },
	  { CENTRE, "0007", "Đầu tư", "Cấp giấy chứng nhận đăng ký đầu tư", "1",
	    0, 0, SAMPLE_TIME, "https://hcc.example.vn/t/20261128-0007", FOOTER,
	    1 } },
	{ "t58-udc",
	  { (char *)"p58u", (char *)"file", (char *)"", 0, (char *)"none", 384,
	    (char *)"udc", 0 },
	  { CENTRE, "1024", "Hộ tịch", LONGPROC, "3, 4, 5", 12, 25, SAMPLE_TIME,
	    "https://hcc.example.vn/t/20261128-1024", FOOTER, 0 } },
	{ "t80-udc",
	  { (char *)"p80u", (char *)"file", (char *)"", 0, (char *)"none", 576,
	    (char *)"udc", 1 },
	  { CENTRE, "2517", "Đất đai", "Cấp đổi giấy chứng nhận quyền sử dụng "
	    "đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất",
	    "7, 8", 3, 10, SAMPLE_TIME, "https://hcc.example.vn/t/20261128-2517",
	    FOOTER, 0 } },
	{ "t58-udc-reprint",
	  { (char *)"p58u", (char *)"file", (char *)"", 0, (char *)"none", 384,
	    (char *)"udc", 0 },
	  { CENTRE, "0007", "Đầu tư", "Cấp giấy chứng nhận đăng ký đầu tư", "1",
	    0, 0, SAMPLE_TIME, "https://hcc.example.vn/t/20261128-0007", FOOTER,
	    1 } },
	{ "t80-udc-marks",
	  { (char *)"p80u", (char *)"file", (char *)"", 0, (char *)"none", 576,
	    (char *)"udc", 0 },
	  { CENTRE, "3108", "Tư pháp – Hộ tịch", "Hỗ trợ chứng thực bản sao "
	    "giấy tờ, mẫu kê khai dữ liệu; đăng ký kết hôn ngày lễ; "
	    "ỦY QUYỀN, CHỨNG THỰC CHỮ KÝ: ẤN, ẦU, ẪN, ỄN, ỖN, ỮA; quyết "
	    "định sửa đổi, bổ sung", "9", 41, 95, SAMPLE_TIME,
	    "https://hcc.example.vn/t/20261128-3108", FOOTER, 0 } },
};

int
ticket_samples_count(void)
{
	return (int)(sizeof samples / sizeof samples[0]);
}

const char *
ticket_samples_name(int i)
{
	return samples[i].name;
}

const struct ticket_sample *
ticket_samples_get(int i)
{
	return &samples[i];
}

int
ticket_samples_find(const char *name)
{
	int i;

	for (i = 0; i < ticket_samples_count(); i++)
		if (strcmp(samples[i].name, name) == 0)
			return i;
	return -1;
}
