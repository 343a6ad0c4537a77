/*
 * ticket_samples.c - sample tickets: 58 and 80 mm, raster, code page and
 * user-defined characters, native and raster QR, a long procedure name
 * that must wrap, a reprint; the centre's address on every one, a priority
 * class on t58-raster, t80-cp1258, t58-udc and t80-udc-marks.
 * Issue time 2026-11-28 01:15:00 UTC (08:15 in Viet Nam).
 */
#include "printers/ticket_samples.h"

#include <string.h>

#define SAMPLE_TIME ((time_t)1795828500)

#define CENTRE "Trung tâm Phục vụ hành chính công tỉnh Thừa Thiên Huế"
#define ADDRESS "Số 01 Lê Lai, phường Vĩnh Ninh, thành phố Huế, tỉnh " \
	"Thừa Thiên Huế"
#define LONGPROC "Đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y " \
	"tế cho trẻ em dưới 6 tuổi (liên thông thủ tục hành chính)"
#define FOOTER "Cảm ơn quý khách. Vui lòng chờ đến lượt."

static const struct ticket_sample samples[] = {
	{ "t58-raster",
	  { (char *)"p58", (char *)"file", (char *)"", 0, (char *)"none", 384,
	    (char *)"raster", 0 },
	  { .centre = CENTRE, .address = ADDRESS, .number = "1024",
	    .priority = "Người cao tuổi",
	    .queue = "Hộ tịch",
	    .procedure = LONGPROC,
	    .counters = "3, 4, 5", .ahead = 12, .wait_min = 25,
	    .issued = SAMPLE_TIME,
	    .url = "https://hcc.example.vn/t/20261128-1024",
	    .footer = FOOTER, .reprint = 0 } },
	{ "t80-raster",
	  { (char *)"p80", (char *)"file", (char *)"", 0, (char *)"none", 576,
	    (char *)"raster", 1 },
	  { .centre = CENTRE, .address = ADDRESS, .number = "1024",
	    .queue = "Hộ tịch",
	    .procedure = LONGPROC,
	    .counters = "3, 4, 5", .ahead = 12, .wait_min = 25,
	    .issued = SAMPLE_TIME,
	    .url = "https://hcc.example.vn/t/20261128-1024",
	    .footer = FOOTER, .reprint = 0 } },
	{ "t80-cp1258",
	  { (char *)"p80cp", (char *)"file", (char *)"", 0, (char *)"none", 576,
	    (char *)"cp1258", 1 },
	  { .centre = CENTRE, .address = ADDRESS, .number = "2517",
	    .priority = "Phụ nữ mang thai",
	    .queue = "Đất đai",
	    .procedure = "Cấp đổi giấy chứng nhận quyền sử dụng "
	    "đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất",
	    .counters = "7, 8", .ahead = 3, .wait_min = 10,
	    .issued = SAMPLE_TIME,
	    .url = "https://hcc.example.vn/t/20261128-2517",
	    .footer = FOOTER, .reprint = 0 } },
	{ "t58-reprint",
	  { (char *)"p58", (char *)"file", (char *)"", 0, (char *)"none", 384,
	    (char *)"raster", 0 },
	  { .centre = CENTRE, .address = ADDRESS, .number = "0007",
	    .queue = "Đầu tư",
	    .procedure = "Cấp giấy chứng nhận đăng ký đầu tư",
	    .counters = "1", .ahead = 0, .wait_min = 0,
	    .issued = SAMPLE_TIME,
	    .url = "https://hcc.example.vn/t/20261128-0007",
	    .footer = FOOTER, .reprint = 1 } },
	{ "t58-udc",
	  { (char *)"p58u", (char *)"file", (char *)"", 0, (char *)"none", 384,
	    (char *)"udc", 0 },
	  { .centre = CENTRE, .address = ADDRESS, .number = "1024",
	    .priority = "Người cao tuổi",
	    .queue = "Hộ tịch",
	    .procedure = LONGPROC,
	    .counters = "3, 4, 5", .ahead = 12, .wait_min = 25,
	    .issued = SAMPLE_TIME,
	    .url = "https://hcc.example.vn/t/20261128-1024",
	    .footer = FOOTER, .reprint = 0 } },
	{ "t80-udc",
	  { (char *)"p80u", (char *)"file", (char *)"", 0, (char *)"none", 576,
	    (char *)"udc", 1 },
	  { .centre = CENTRE, .address = ADDRESS, .number = "2517",
	    .queue = "Đất đai",
	    .procedure = "Cấp đổi giấy chứng nhận quyền sử dụng "
	    "đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất",
	    .counters = "7, 8", .ahead = 3, .wait_min = 10,
	    .issued = SAMPLE_TIME,
	    .url = "https://hcc.example.vn/t/20261128-2517",
	    .footer = FOOTER, .reprint = 0 } },
	{ "t58-udc-reprint",
	  { (char *)"p58u", (char *)"file", (char *)"", 0, (char *)"none", 384,
	    (char *)"udc", 0 },
	  { .centre = CENTRE, .address = ADDRESS, .number = "0007",
	    .queue = "Đầu tư",
	    .procedure = "Cấp giấy chứng nhận đăng ký đầu tư",
	    .counters = "1", .ahead = 0, .wait_min = 0,
	    .issued = SAMPLE_TIME,
	    .url = "https://hcc.example.vn/t/20261128-0007",
	    .footer = FOOTER, .reprint = 1 } },
	{ "t80-udc-marks",
	  { (char *)"p80u", (char *)"file", (char *)"", 0, (char *)"none", 576,
	    (char *)"udc", 0 },
	  { .centre = CENTRE, .address = ADDRESS, .number = "3108",
	    .priority = "Người có công với cách mạng",
	    .queue = "Tư pháp – Hộ tịch",
	    .procedure = "Hỗ trợ chứng thực bản sao "
	    "giấy tờ, mẫu kê khai dữ liệu; đăng ký kết hôn ngày lễ; "
	    "ỦY QUYỀN, CHỨNG THỰC CHỮ KÝ: ẤN, ẦU, ẪN, ỄN, ỖN, ỮA; quyết "
	    "định sửa đổi, bổ sung",
	    .counters = "9", .ahead = 41, .wait_min = 95,
	    .issued = SAMPLE_TIME,
	    .url = "https://hcc.example.vn/t/20261128-3108",
	    .footer = FOOTER, .reprint = 0 } },
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
