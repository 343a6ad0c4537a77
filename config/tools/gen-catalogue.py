#!/usr/bin/env python3
"""gen-catalogue.py - write the demo procedure catalogue (config/demo/procedures.csv).

Standard library only, deterministic: the same script always writes the same
bytes.  For every department and field (lĩnh vực) of the demo centre it lists
common procedures verbatim, then combines the field's actions (Cấp, Cấp lại,
Đăng ký, Điều chỉnh, Gia hạn, Thu hồi, Thẩm định, ...) with its objects
(giấy phép xây dựng, giấy phép lái xe hạng B2, ...) into further procedure
names.  Names are unique, text is NFC.  Codes follow the national
"1.00xxxx" / "2.00xxxx" shape but are made up for the demo.

Usage: config/tools/gen-catalogue.py [OUTPUT]   (default: config/demo/procedures.csv)
"""
import csv
import hashlib
import os
import sys
import unicodedata

# Each field: department code, queue code, field name, verbatim names,
# and a list of (templates, objects) groups; a template holds "{x}".
FIELDS = [
    ("TP", "TP-LL", "Lý lịch tư pháp", [
        "Cấp Phiếu lý lịch tư pháp",
        "Cấp Phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng",
        "Cấp Phiếu lý lịch tư pháp cho cơ quan nhà nước, tổ chức chính trị, tổ chức chính trị - xã hội",
    ], [
        (["Cấp {x}", "Cấp lại {x}", "Đính chính {x}", "Khiếu nại về việc cấp {x}"],
         ["Phiếu lý lịch tư pháp số 1 cho công dân Việt Nam cư trú trong nước",
          "Phiếu lý lịch tư pháp số 2 cho công dân Việt Nam cư trú trong nước",
          "Phiếu lý lịch tư pháp số 1 cho công dân Việt Nam cư trú ở nước ngoài",
          "Phiếu lý lịch tư pháp số 2 cho công dân Việt Nam cư trú ở nước ngoài",
          "Phiếu lý lịch tư pháp cho người nước ngoài đã cư trú tại Việt Nam",
          "Phiếu lý lịch tư pháp qua dịch vụ bưu chính",
          "Phiếu lý lịch tư pháp trên môi trường điện tử",
          "Phiếu lý lịch tư pháp qua ứng dụng định danh điện tử"]),
    ]),
    ("TP", "TP-HT", "Hộ tịch", [
        "Đăng ký khai sinh",
        "Đăng ký kết hôn",
        "Đăng ký khai tử",
        "Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
        "Cấp Giấy xác nhận tình trạng hôn nhân",
        "Thay đổi, cải chính, bổ sung thông tin hộ tịch",
        "Ghi vào Sổ hộ tịch việc kết hôn của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài",
        "Cấp bản sao trích lục hộ tịch",
    ], [
        (["Đăng ký {x}", "Đăng ký lại {x}", "Cấp bản sao trích lục {x}",
          "Ghi vào Sổ hộ tịch việc {x} đã giải quyết ở nước ngoài"],
         ["khai sinh có yếu tố nước ngoài", "kết hôn có yếu tố nước ngoài",
          "khai tử có yếu tố nước ngoài", "nhận cha, mẹ, con có yếu tố nước ngoài",
          "giám hộ có yếu tố nước ngoài", "chấm dứt giám hộ có yếu tố nước ngoài",
          "khai sinh cho người đã có hồ sơ, giấy tờ cá nhân",
          "nuôi con nuôi có yếu tố nước ngoài"]),
        (["Thay đổi, cải chính, bổ sung {x}", "Xác định lại {x}"],
         ["thông tin hộ tịch có yếu tố nước ngoài", "dân tộc cho người đã đăng ký khai sinh",
          "giới tính trong giấy tờ hộ tịch"]),
    ]),
    ("TP", "TP-HT", "Quốc tịch", [], [
        (["Nhập {x}", "Trở lại {x}", "Thôi {x}", "Cấp Giấy xác nhận có {x}",
          "Cấp Giấy xác nhận là người gốc có {x}", "Thông báo có {x}"],
         ["quốc tịch Việt Nam ở trong nước", "quốc tịch Việt Nam cho người chưa thành niên",
          "quốc tịch Việt Nam cho người không quốc tịch"]),
    ]),
    ("TP", "TP-BT", "Chứng thực", [], []),
    ("TP", "TP-BT", "Bổ trợ tư pháp", [
        "Cấp Phiếu yêu cầu trợ giúp pháp lý",
        "Đăng ký tham gia trợ giúp pháp lý của luật sư",
    ], [
        (["Thành lập {x}", "Đăng ký hoạt động {x}", "Thay đổi nội dung đăng ký hoạt động {x}",
          "Cấp lại Giấy đăng ký hoạt động {x}", "Chấm dứt hoạt động {x}",
          "Hợp nhất, sáp nhập {x}", "Chuyển đổi {x}"],
         ["Văn phòng công chứng", "tổ chức hành nghề luật sư", "Văn phòng giám định tư pháp",
          "doanh nghiệp đấu giá tài sản", "Trung tâm trọng tài", "Văn phòng Thừa phát lại",
          "doanh nghiệp quản lý, thanh lý tài sản", "Trung tâm hòa giải thương mại"]),
        (["Bổ nhiệm {x}", "Miễn nhiệm {x}", "Đăng ký hành nghề và cấp thẻ {x}",
          "Cấp lại thẻ {x}", "Tạm đình chỉ hành nghề {x}", "Xóa đăng ký hành nghề {x}"],
         ["công chứng viên", "luật sư", "giám định viên tư pháp", "đấu giá viên",
          "trọng tài viên", "Thừa phát lại", "quản tài viên", "hòa giải viên thương mại"]),
    ]),
    ("KH", "KH-DN", "Thành lập và hoạt động doanh nghiệp", [
        "Đăng ký thành lập doanh nghiệp tư nhân",
        "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
        "Đăng ký thành lập công ty trách nhiệm hữu hạn hai thành viên trở lên",
        "Đăng ký thành lập công ty cổ phần",
        "Đăng ký thành lập công ty hợp danh",
        "Đăng ký thay đổi vốn điều lệ, thay đổi tỷ lệ vốn góp",
        "Đăng ký hoạt động chi nhánh, văn phòng đại diện, địa điểm kinh doanh",
        "Cấp lại Giấy chứng nhận đăng ký doanh nghiệp",
        "Hiệu đính thông tin đăng ký doanh nghiệp",
    ], [
        (["Đăng ký thành lập {x}", "Đăng ký thay đổi tên {x}",
          "Đăng ký thay đổi địa chỉ trụ sở chính của {x}",
          "Đăng ký thay đổi vốn điều lệ của {x}",
          "Đăng ký thay đổi người đại diện theo pháp luật của {x}",
          "Thông báo tạm ngừng kinh doanh của {x}",
          "Thông báo tiếp tục kinh doanh trước thời hạn đã thông báo của {x}",
          "Giải thể {x}", "Chuyển đổi loại hình {x}",
          "Thông báo thay đổi ngành, nghề kinh doanh của {x}",
          "Cấp lại Giấy chứng nhận đăng ký doanh nghiệp cho {x}",
          "Cập nhật, bổ sung thông tin đăng ký của {x}"],
         ["doanh nghiệp tư nhân", "công ty trách nhiệm hữu hạn một thành viên",
          "công ty trách nhiệm hữu hạn hai thành viên trở lên", "công ty cổ phần",
          "công ty hợp danh", "doanh nghiệp xã hội"]),
    ]),
    ("KH", "KH-DN", "Thành lập và hoạt động hợp tác xã", [], [
        (["Đăng ký thành lập {x}", "Đăng ký thay đổi tên, địa chỉ trụ sở chính của {x}",
          "Đăng ký thay đổi vốn điều lệ của {x}", "Tạm ngừng hoạt động {x}",
          "Giải thể tự nguyện {x}", "Cấp lại giấy chứng nhận đăng ký {x}",
          "Chia, tách {x}", "Hợp nhất, sáp nhập {x}"],
         ["hợp tác xã", "liên hiệp hợp tác xã", "chi nhánh, văn phòng đại diện của hợp tác xã"]),
    ]),
    ("KH", "KH-DT", "Đầu tư tại Việt Nam", [], [
        (["Chấp thuận chủ trương đầu tư đối với {x}",
          "Cấp Giấy chứng nhận đăng ký đầu tư đối với {x}",
          "Điều chỉnh Giấy chứng nhận đăng ký đầu tư đối với {x}",
          "Điều chỉnh tiến độ thực hiện {x}", "Chuyển nhượng {x}",
          "Ngừng hoạt động {x}", "Chấm dứt hoạt động {x}", "Giãn tiến độ {x}"],
         ["dự án đầu tư thuộc thẩm quyền của Ủy ban nhân dân cấp tỉnh",
          "dự án đầu tư không thuộc diện chấp thuận chủ trương đầu tư",
          "dự án đầu tư theo hình thức hợp đồng BCC",
          "dự án đầu tư của nhà đầu tư nước ngoài",
          "dự án đầu tư trong khu công nghiệp, khu kinh tế"]),
    ]),
    ("KH", "KH-DT", "Đấu thầu, lựa chọn nhà đầu tư", [], [
        (["Thẩm định {x}", "Phê duyệt {x}", "Điều chỉnh {x}"],
         ["kế hoạch lựa chọn nhà thầu", "hồ sơ mời thầu", "kết quả lựa chọn nhà thầu",
          "danh mục dự án đầu tư có sử dụng đất", "kết quả sơ tuyển nhà đầu tư",
          "báo cáo nghiên cứu khả thi dự án PPP"]),
    ]),
    ("XD", "XD-GP", "Cấp phép xây dựng", [
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
    ], [
        (["Cấp giấy phép xây dựng mới đối với {x}",
          "Cấp giấy phép sửa chữa, cải tạo đối với {x}",
          "Cấp giấy phép di dời đối với {x}",
          "Điều chỉnh giấy phép xây dựng đối với {x}",
          "Gia hạn giấy phép xây dựng đối với {x}",
          "Cấp lại giấy phép xây dựng đối với {x}",
          "Cấp giấy phép xây dựng có thời hạn đối với {x}"],
         ["nhà ở riêng lẻ", "công trình không theo tuyến", "công trình theo tuyến trong đô thị",
          "công trình tín ngưỡng, tôn giáo", "công trình tượng đài, tranh hoành tráng",
          "công trình quảng cáo", "công trình của cơ quan ngoại giao và tổ chức quốc tế",
          "dự án đầu tư xây dựng nhiều công trình"]),
    ]),
    ("XD", "XD-GP", "Quy hoạch xây dựng, kiến trúc", [], [
        (["Thẩm định nhiệm vụ {x}", "Thẩm định đồ án {x}", "Phê duyệt điều chỉnh {x}",
          "Cung cấp thông tin về {x}"],
         ["quy hoạch chi tiết xây dựng", "quy hoạch phân khu xây dựng",
          "quy hoạch chung xây dựng khu chức năng", "quy hoạch xây dựng nông thôn",
          "thiết kế đô thị riêng"]),
    ]),
    ("XD", "XD-HN", "Hoạt động xây dựng", [
        "Thẩm định báo cáo nghiên cứu khả thi đầu tư xây dựng",
        "Thẩm định thiết kế xây dựng triển khai sau thiết kế cơ sở",
    ], [
        (["Cấp chứng chỉ hành nghề {x}", "Cấp lại chứng chỉ hành nghề {x}",
          "Điều chỉnh, bổ sung nội dung chứng chỉ hành nghề {x}",
          "Gia hạn chứng chỉ hành nghề {x}"],
         ["khảo sát xây dựng hạng II, hạng III", "thiết kế quy hoạch xây dựng hạng II, hạng III",
          "thiết kế xây dựng công trình hạng II, hạng III",
          "giám sát thi công xây dựng hạng II, hạng III",
          "định giá xây dựng hạng II, hạng III",
          "quản lý dự án đầu tư xây dựng hạng II, hạng III"]),
        (["Cấp chứng chỉ năng lực {x}", "Điều chỉnh, bổ sung chứng chỉ năng lực {x}",
          "Cấp lại chứng chỉ năng lực {x}"],
         ["khảo sát xây dựng hạng II, hạng III", "thi công xây dựng công trình hạng II, hạng III",
          "tư vấn quản lý dự án hạng II, hạng III", "kiểm định xây dựng hạng II, hạng III",
          "lập thiết kế quy hoạch xây dựng hạng II, hạng III"]),
    ]),
    ("XD", "XD-HN", "Nhà ở và kinh doanh bất động sản", [
        "Cấp chứng chỉ hành nghề môi giới bất động sản",
        "Cấp lại chứng chỉ hành nghề môi giới bất động sản",
        "Thông báo nhà ở hình thành trong tương lai đủ điều kiện được bán, cho thuê mua",
        "Chuyển nhượng toàn bộ hoặc một phần dự án bất động sản",
        "Công nhận chủ đầu tư dự án nhà ở thương mại",
    ], [
        (["Mua, thuê, thuê mua {x}", "Thẩm định giá bán, thuê, thuê mua {x}",
          "Xác nhận đối tượng được hỗ trợ {x}"],
         ["nhà ở xã hội", "nhà ở công vụ", "nhà ở thuộc sở hữu nhà nước"]),
    ]),
    ("TN", "TN-DD", "Đất đai", [
        "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất lần đầu",
        "Cấp đổi Giấy chứng nhận quyền sử dụng đất",
        "Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất",
        "Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất",
        "Xóa đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất",
        "Tách thửa hoặc hợp thửa đất",
        "Cung cấp dữ liệu đất đai",
    ], [
        (["Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do {x}"],
         ["chuyển nhượng", "tặng cho", "thừa kế", "góp vốn", "chuyển đổi",
          "cho thuê, cho thuê lại", "giải quyết tranh chấp", "chia tách, hợp nhất doanh nghiệp",
          "thay đổi thông tin người sử dụng đất", "thay đổi hạn chế quyền sử dụng đất",
          "xử lý nợ hợp đồng thế chấp", "chuyển từ hình thức thuê đất sang giao đất"]),
        (["Cấp Giấy chứng nhận quyền sử dụng đất lần đầu cho {x}",
          "Cấp đổi Giấy chứng nhận quyền sử dụng đất cho {x}",
          "Cấp lại Giấy chứng nhận quyền sử dụng đất bị mất cho {x}",
          "Đính chính Giấy chứng nhận quyền sử dụng đất đã cấp cho {x}",
          "Thu hồi Giấy chứng nhận quyền sử dụng đất đã cấp không đúng quy định cho {x}",
          "Gia hạn sử dụng đất cho {x}",
          "Đăng ký thế chấp quyền sử dụng đất của {x}",
          "Xóa đăng ký thế chấp quyền sử dụng đất của {x}",
          "Giao đất, cho thuê đất cho {x}",
          "Chuyển mục đích sử dụng đất cho {x}"],
         ["tổ chức trong nước", "hộ gia đình, cá nhân", "cộng đồng dân cư",
          "người Việt Nam định cư ở nước ngoài", "tổ chức kinh tế có vốn đầu tư nước ngoài",
          "cơ sở tôn giáo"]),
    ]),
    ("TN", "TN-DD", "Đo đạc, bản đồ và thông tin địa lý", [
        "Cấp giấy phép hoạt động đo đạc và bản đồ",
        "Cung cấp thông tin, dữ liệu đo đạc và bản đồ",
        "Cấp chứng chỉ hành nghề đo đạc và bản đồ hạng II",
    ], []),
    ("TN", "TN-MT", "Môi trường", [], [
        (["Thẩm định báo cáo đánh giá tác động môi trường {x}",
          "Cấp giấy phép môi trường {x}", "Cấp đổi giấy phép môi trường {x}",
          "Điều chỉnh giấy phép môi trường {x}", "Cấp lại giấy phép môi trường {x}",
          "Đăng ký môi trường {x}", "Vận hành thử nghiệm công trình xử lý chất thải {x}"],
         ["đối với dự án đầu tư nhóm II", "đối với cơ sở sản xuất, kinh doanh, dịch vụ",
          "đối với dự án trong khu công nghiệp", "đối với cơ sở xử lý chất thải nguy hại",
          "đối với dự án khai thác khoáng sản"]),
    ]),
    ("TN", "TN-MT", "Tài nguyên nước", [], [
        (["Cấp giấy phép {x}", "Gia hạn, điều chỉnh giấy phép {x}",
          "Cấp lại giấy phép {x}", "Trả lại giấy phép {x}"],
         ["thăm dò nước dưới đất", "khai thác, sử dụng nước dưới đất",
          "khai thác, sử dụng nước mặt", "xả nước thải vào nguồn nước",
          "hành nghề khoan nước dưới đất", "khai thác, sử dụng nước biển"]),
    ]),
    ("TN", "TN-MT", "Địa chất và khoáng sản", [], [
        (["Cấp giấy phép {x}", "Gia hạn giấy phép {x}", "Trả lại giấy phép {x}",
          "Chuyển nhượng quyền {x}", "Điều chỉnh giấy phép {x}"],
         ["thăm dò khoáng sản", "khai thác khoáng sản làm vật liệu xây dựng thông thường",
          "khai thác tận thu khoáng sản", "khai thác cát, sỏi lòng sông"]),
    ]),
    ("LD", "LD-VL", "Việc làm", [
        "Giải quyết hưởng trợ cấp thất nghiệp",
        "Tạm dừng hưởng trợ cấp thất nghiệp",
        "Tiếp tục hưởng trợ cấp thất nghiệp",
        "Chấm dứt hưởng trợ cấp thất nghiệp",
        "Chuyển nơi hưởng trợ cấp thất nghiệp",
        "Hỗ trợ học nghề cho người lao động đang hưởng trợ cấp thất nghiệp",
        "Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động",
    ], [
        (["Cấp {x}", "Cấp lại {x}", "Gia hạn {x}", "Thu hồi {x}"],
         ["giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
          "giấy phép hoạt động dịch vụ việc làm của doanh nghiệp",
          "giấy phép hoạt động cho thuê lại lao động"]),
    ]),
    ("LD", "LD-VL", "Giáo dục nghề nghiệp", [], [
        (["Thành lập {x}", "Cho phép thành lập {x}", "Sáp nhập, chia, tách {x}",
          "Giải thể {x}", "Cấp giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp cho {x}",
          "Đăng ký bổ sung hoạt động giáo dục nghề nghiệp của {x}", "Đổi tên {x}"],
         ["trường trung cấp công lập", "trường trung cấp tư thục",
          "trung tâm giáo dục nghề nghiệp công lập", "trung tâm giáo dục nghề nghiệp tư thục",
          "doanh nghiệp có hoạt động giáo dục nghề nghiệp"]),
    ]),
    ("LD", "LD-VL", "An toàn, vệ sinh lao động và quan hệ lao động", [
        "Đăng ký nội quy lao động của doanh nghiệp",
        "Gửi thỏa ước lao động tập thể",
        "Đăng ký hợp đồng nhận lao động thực tập",
    ], [
        (["Cấp giấy chứng nhận đủ điều kiện hoạt động {x}",
          "Cấp lại giấy chứng nhận đủ điều kiện hoạt động {x}",
          "Gia hạn giấy chứng nhận đủ điều kiện hoạt động {x}"],
         ["kiểm định kỹ thuật an toàn lao động", "huấn luyện an toàn, vệ sinh lao động hạng A",
          "huấn luyện an toàn, vệ sinh lao động hạng B",
          "huấn luyện an toàn, vệ sinh lao động hạng C"]),
    ]),
    ("LD", "LD-CS", "Người có công", [
        "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",
        "Cấp giấy chứng nhận thân nhân liệt sĩ",
        "Di chuyển hồ sơ người có công với cách mạng",
        "Hưởng trợ cấp khi người có công đang hưởng trợ cấp ưu đãi từ trần",
    ], [
        (["Công nhận và giải quyết chế độ ưu đãi đối với {x}",
          "Giải quyết trợ cấp một lần đối với {x}",
          "Giải quyết chế độ ưu đãi trong giáo dục đào tạo đối với con của {x}",
          "Cấp lại giấy chứng nhận cho {x}",
          "Giải quyết chế độ điều dưỡng phục hồi sức khỏe cho {x}",
          "Hỗ trợ cải thiện nhà ở đối với {x}"],
         ["thương binh", "bệnh binh", "người hoạt động kháng chiến bị nhiễm chất độc hóa học",
          "Anh hùng Lực lượng vũ trang nhân dân", "Bà mẹ Việt Nam anh hùng",
          "người hoạt động cách mạng trước ngày 01 tháng 01 năm 1945",
          "người có công giúp đỡ cách mạng", "thân nhân liệt sĩ"]),
    ]),
    ("LD", "LD-CS", "Bảo trợ xã hội", [], [
        (["Thành lập {x}", "Cấp giấy phép hoạt động {x}", "Cấp lại giấy phép hoạt động {x}",
          "Điều chỉnh giấy phép hoạt động {x}", "Giải thể {x}", "Tiếp nhận đối tượng vào {x}",
          "Dừng trợ giúp xã hội tại {x}"],
         ["cơ sở trợ giúp xã hội công lập", "cơ sở trợ giúp xã hội ngoài công lập",
          "cơ sở cai nghiện ma túy tự nguyện", "cơ sở chăm sóc người cao tuổi",
          "cơ sở chăm sóc người khuyết tật"]),
    ]),
    ("GT", "GT-LX", "Đường bộ - giấy phép lái xe", [
        "Cấp đổi giấy phép lái xe",
        "Cấp lại giấy phép lái xe",
        "Cấp giấy phép lái xe quốc tế",
        "Đổi giấy phép lái xe do ngành Công an cấp",
        "Đổi giấy phép lái xe hoặc bằng lái xe của nước ngoài cấp",
        "Đổi giấy phép lái xe quân sự do Bộ Quốc phòng cấp",
        "Sát hạch cấp giấy phép lái xe",
    ], [
        (["Cấp đổi giấy phép lái xe {x}", "Cấp lại giấy phép lái xe {x}",
          "Sát hạch cấp giấy phép lái xe {x}", "Sát hạch nâng hạng giấy phép lái xe {x}"],
         ["hạng A1", "hạng A2", "hạng A3", "hạng A4", "hạng B1", "hạng B2", "hạng C",
          "hạng D", "hạng E", "hạng FC"]),
    ]),
    ("GT", "GT-VT", "Đường bộ - vận tải", [], [
        (["Cấp {x}", "Cấp lại {x}", "Thu hồi {x}", "Gia hạn {x}"],
         ["Giấy phép kinh doanh vận tải bằng xe ô tô", "phù hiệu xe taxi", "phù hiệu xe hợp đồng",
          "phù hiệu xe tải", "phù hiệu xe công-ten-nơ",
          "biển hiệu xe ô tô vận chuyển khách du lịch",
          "Giấy phép vận tải đường bộ quốc tế ASEAN", "Giấy phép liên vận Việt Nam - Lào",
          "Giấy phép liên vận Việt Nam - Campuchia",
          "giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn", "giấy phép xe tập lái",
          "giấy phép thi công công trình trên đường bộ đang khai thác"]),
    ]),
    ("GT", "GT-VT", "Đường thủy nội địa", [
        "Công bố hoạt động bến thủy nội địa",
        "Cấp giấy phép hoạt động bến khách ngang sông",
        "Cấp chứng chỉ chuyên môn thuyền trưởng hạng ba",
        "Cấp lại chứng chỉ chuyên môn phương tiện thủy nội địa",
    ], [
        (["Đăng ký {x}", "Đăng ký lại {x}", "Xóa giấy chứng nhận đăng ký {x}"],
         ["phương tiện thủy nội địa", "phương tiện thủy nội địa mang cấp VR-SB",
          "phương tiện thủy nội địa chuyển quyền sở hữu"]),
    ]),
    ("GT", "GT-VT", "Đăng kiểm và đào tạo lái xe", [], [
        (["Cấp giấy chứng nhận {x}", "Cấp lại giấy chứng nhận {x}"],
         ["chất lượng, an toàn kỹ thuật và bảo vệ môi trường xe cơ giới cải tạo",
          "thẩm định thiết kế xe cơ giới cải tạo",
          "đủ điều kiện hoạt động cơ sở đào tạo lái xe",
          "giáo viên dạy thực hành lái xe"]),
    ]),
    ("YT", "YT-HN", "Khám bệnh, chữa bệnh", [
        "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh đối với người Việt Nam",
    ], [
        (["Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh đối với {x}",
          "Cấp lại chứng chỉ hành nghề khám bệnh, chữa bệnh đối với {x}",
          "Điều chỉnh phạm vi hoạt động chuyên môn trong chứng chỉ hành nghề đối với {x}",
          "Thu hồi chứng chỉ hành nghề khám bệnh, chữa bệnh đối với {x}"],
         ["bác sỹ", "y sỹ", "điều dưỡng", "hộ sinh", "kỹ thuật viên", "lương y",
          "người có bài thuốc gia truyền", "người nước ngoài"]),
        (["Cấp giấy phép hoạt động đối với {x}", "Cấp lại giấy phép hoạt động đối với {x}",
          "Điều chỉnh giấy phép hoạt động đối với {x}",
          "Cấp giấy phép hoạt động khi thay đổi địa điểm đối với {x}"],
         ["bệnh viện", "phòng khám đa khoa", "phòng khám chuyên khoa",
          "phòng chẩn trị y học cổ truyền", "nhà hộ sinh", "phòng xét nghiệm",
          "cơ sở dịch vụ cấp cứu, hỗ trợ vận chuyển người bệnh", "cơ sở dịch vụ thẩm mỹ",
          "trạm y tế cấp xã"]),
    ]),
    ("YT", "YT-KD", "Dược phẩm", [], [
        (["Cấp chứng chỉ hành nghề dược {x}", "Cấp lại chứng chỉ hành nghề dược {x}",
          "Điều chỉnh nội dung chứng chỉ hành nghề dược {x}"],
         ["theo hình thức xét hồ sơ", "theo hình thức thi", "cho người nước ngoài"]),
        (["Cấp Giấy chứng nhận đủ điều kiện kinh doanh dược cho {x}",
          "Cấp lại Giấy chứng nhận đủ điều kiện kinh doanh dược cho {x}",
          "Điều chỉnh Giấy chứng nhận đủ điều kiện kinh doanh dược cho {x}",
          "Đánh giá duy trì đáp ứng thực hành tốt đối với {x}"],
         ["nhà thuốc", "quầy thuốc", "tủ thuốc trạm y tế xã", "cơ sở bán buôn thuốc",
          "cơ sở bán lẻ thuốc dược liệu, thuốc cổ truyền",
          "cơ sở kinh doanh dịch vụ bảo quản thuốc"]),
    ]),
    ("YT", "YT-KD", "An toàn thực phẩm và dinh dưỡng", [], [
        (["Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với {x}",
          "Cấp lại Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với {x}"],
         ["cơ sở sản xuất thực phẩm", "cơ sở kinh doanh dịch vụ ăn uống", "bếp ăn tập thể",
          "cơ sở sản xuất thực phẩm bảo vệ sức khỏe"]),
        (["Đăng ký bản công bố sản phẩm {x}"],
         ["thực phẩm dinh dưỡng y học", "thực phẩm dùng cho chế độ ăn đặc biệt",
          "sản phẩm dinh dưỡng dùng cho trẻ đến 36 tháng tuổi",
          "phụ gia thực phẩm hỗn hợp có công dụng mới"]),
    ]),
    ("YT", "YT-KD", "Mỹ phẩm và trang thiết bị y tế", [
        "Cấp số tiếp nhận phiếu công bố sản phẩm mỹ phẩm sản xuất trong nước",
        "Công bố đủ điều kiện sản xuất mỹ phẩm",
        "Công bố tiêu chuẩn áp dụng đối với trang thiết bị y tế loại A, B",
        "Công bố đủ điều kiện mua bán trang thiết bị y tế loại B, C, D",
    ], []),
    ("CA", "CA-XC", "Xuất nhập cảnh", [
        "Cấp hộ chiếu phổ thông ở trong nước",
        "Cấp hộ chiếu phổ thông cho người chưa đủ 14 tuổi",
        "Cấp lại hộ chiếu phổ thông",
        "Khôi phục giá trị sử dụng hộ chiếu phổ thông",
        "Trình báo mất hộ chiếu phổ thông",
        "Cấp giấy thông hành biên giới Việt Nam - Lào",
        "Cấp giấy thông hành biên giới Việt Nam - Campuchia",
        "Cấp thị thực cho người nước ngoài tại Việt Nam",
        "Gia hạn tạm trú cho người nước ngoài tại Việt Nam",
        "Cấp thẻ tạm trú cho người nước ngoài tại Việt Nam",
        "Cấp thẻ thường trú cho người nước ngoài tại Việt Nam",
    ], [
        (["Cấp {x}", "Cấp lại {x}", "Gia hạn {x}", "Bổ sung, sửa đổi {x}"],
         ["thẻ tạm trú cho người nước ngoài là thành viên Hội đồng quản trị",
          "thẻ tạm trú cho người nước ngoài là nhà đầu tư",
          "thẻ tạm trú cho người nước ngoài là lao động",
          "thị thực cho người nước ngoài thăm thân",
          "thị thực cho người nước ngoài làm việc với doanh nghiệp",
          "giấy miễn thị thực cho người Việt Nam định cư ở nước ngoài",
          "thẻ tạm trú cho người nước ngoài là thân nhân",
          "thị thực cho người nước ngoài là học sinh, sinh viên"]),
    ]),
    ("CA", "CA-PT", "Căn cước", [], []),
    ("CA", "CA-PT", "Cư trú", [], []),
    ("CA", "CA-PT", "Đăng ký, quản lý con dấu và phương tiện", [
        "Đăng ký mẫu con dấu mới",
        "Đăng ký lại mẫu con dấu",
        "Đăng ký thêm con dấu",
        "Đổi, cấp lại giấy chứng nhận đăng ký mẫu con dấu",
    ], [
        (["Đăng ký {x}", "Đăng ký sang tên {x}",
          "Cấp đổi giấy chứng nhận đăng ký, biển số {x}",
          "Cấp lại giấy chứng nhận đăng ký, biển số {x}",
          "Thu hồi giấy chứng nhận đăng ký, biển số {x}", "Đăng ký tạm thời {x}"],
         ["xe ô tô", "xe mô tô, xe gắn máy", "xe máy chuyên dùng", "rơ moóc, sơ mi rơ moóc",
          "xe ô tô của tổ chức, cá nhân nước ngoài"]),
    ]),
    ("CA", "CA-PT", "Ngành, nghề kinh doanh có điều kiện về an ninh, trật tự; phòng cháy, chữa cháy", [
        "Thẩm duyệt thiết kế về phòng cháy và chữa cháy",
        "Nghiệm thu về phòng cháy và chữa cháy",
        "Cấp giấy chứng nhận đủ điều kiện kinh doanh dịch vụ phòng cháy, chữa cháy",
    ], [
        (["Cấp giấy chứng nhận đủ điều kiện về an ninh, trật tự cho {x}",
          "Cấp đổi giấy chứng nhận đủ điều kiện về an ninh, trật tự cho {x}",
          "Cấp lại giấy chứng nhận đủ điều kiện về an ninh, trật tự cho {x}"],
         ["cơ sở kinh doanh dịch vụ lưu trú", "cơ sở kinh doanh dịch vụ cầm đồ",
          "cơ sở kinh doanh dịch vụ karaoke, vũ trường", "cơ sở kinh doanh dịch vụ xoa bóp",
          "cơ sở kinh doanh khí", "cơ sở kinh doanh dịch vụ bảo vệ",
          "cơ sở kinh doanh dịch vụ in", "cơ sở kinh doanh con dấu"]),
    ]),
    ("CT", "CT-TM", "Lưu thông hàng hóa trong nước", [], [
        (["Cấp Giấy phép {x}", "Cấp sửa đổi, bổ sung Giấy phép {x}",
          "Cấp lại Giấy phép {x}", "Gia hạn Giấy phép {x}"],
         ["bán buôn sản phẩm thuốc lá", "bán buôn rượu", "sản xuất rượu công nghiệp",
          "sản xuất rượu thủ công nhằm mục đích kinh doanh", "bán lẻ sản phẩm thuốc lá",
          "bán lẻ rượu", "sản xuất sản phẩm thuốc lá"]),
        (["Cấp Giấy chứng nhận {x}", "Cấp lại Giấy chứng nhận {x}",
          "Cấp sửa đổi, bổ sung Giấy chứng nhận {x}"],
         ["cửa hàng đủ điều kiện bán lẻ xăng dầu", "thương nhân phân phối xăng dầu",
          "đủ điều kiện thương nhân kinh doanh mua bán LPG", "trạm nạp LPG vào chai",
          "cửa hàng đủ điều kiện bán LPG chai"]),
    ]),
    ("CT", "CT-TM", "Hóa chất, vật liệu nổ công nghiệp", [
        "Cấp giấy phép sử dụng vật liệu nổ công nghiệp",
        "Cấp lại giấy phép sử dụng vật liệu nổ công nghiệp",
        "Cấp giấy phép kinh doanh tiền chất thuốc nổ",
    ], [
        (["Cấp Giấy chứng nhận đủ điều kiện {x}", "Cấp lại Giấy chứng nhận đủ điều kiện {x}",
          "Cấp điều chỉnh Giấy chứng nhận đủ điều kiện {x}"],
         ["sản xuất hóa chất sản xuất, kinh doanh có điều kiện trong lĩnh vực công nghiệp",
          "kinh doanh hóa chất sản xuất, kinh doanh có điều kiện trong lĩnh vực công nghiệp",
          "sản xuất, kinh doanh tiền chất công nghiệp"]),
    ]),
    ("CT", "CT-TM", "Xúc tiến thương mại, thương mại quốc tế và điện lực", [
        "Đăng ký thực hiện khuyến mại theo hình thức mang tính may rủi",
        "Đăng ký sửa đổi, bổ sung nội dung chương trình khuyến mại",
        "Đăng ký tổ chức hội chợ, triển lãm thương mại tại Việt Nam",
        "Cấp Giấy phép thành lập Văn phòng đại diện của thương nhân nước ngoài tại Việt Nam",
        "Cấp lại Giấy phép thành lập Văn phòng đại diện của thương nhân nước ngoài tại Việt Nam",
        "Gia hạn Giấy phép thành lập Văn phòng đại diện của thương nhân nước ngoài tại Việt Nam",
        "Cấp Giấy phép kinh doanh cho tổ chức kinh tế có vốn đầu tư nước ngoài",
        "Cấp Giấy phép lập cơ sở bán lẻ",
    ], [
        (["Cấp giấy phép hoạt động điện lực {x}",
          "Cấp sửa đổi, bổ sung giấy phép hoạt động điện lực {x}"],
         ["trong lĩnh vực phát điện có quy mô dưới 3 MW",
          "trong lĩnh vực tư vấn thiết kế công trình đường dây và trạm biến áp",
          "trong lĩnh vực tư vấn giám sát thi công", "trong lĩnh vực bán lẻ điện tại nông thôn"]),
    ]),
    ("NN", "NN-NN", "Thú y", [], [
        (["Cấp giấy chứng nhận {x}", "Cấp lại giấy chứng nhận {x}"],
         ["cơ sở an toàn dịch bệnh động vật", "đủ điều kiện vệ sinh thú y",
          "kiểm dịch động vật, sản phẩm động vật vận chuyển ra khỏi địa bàn cấp tỉnh",
          "đủ điều kiện buôn bán thuốc thú y", "hành nghề thú y",
          "đủ điều kiện an toàn sinh học cơ sở chăn nuôi",
          "đăng ký hoạt động cơ sở giết mổ động vật tập trung"]),
    ]),
    ("NN", "NN-NN", "Trồng trọt và bảo vệ thực vật", [
        "Cấp giấy chứng nhận kiểm dịch thực vật nội địa",
        "Công nhận cây đầu dòng, vườn cây đầu dòng",
    ], [
        (["Cấp Giấy chứng nhận đủ điều kiện {x}", "Cấp lại Giấy chứng nhận đủ điều kiện {x}"],
         ["buôn bán thuốc bảo vệ thực vật", "buôn bán phân bón", "sản xuất phân bón",
          "sản xuất, buôn bán giống cây trồng"]),
    ]),
    ("NN", "NN-NN", "Lâm nghiệp", [
        "Phê duyệt phương án quản lý rừng bền vững",
        "Chuyển loại rừng",
        "Xác nhận bảng kê lâm sản",
        "Đăng ký mã số cơ sở nuôi, trồng các loài động vật, thực vật hoang dã",
    ], []),
    ("NN", "NN-NN", "Thủy sản", [], [
        (["Cấp {x}", "Cấp lại {x}", "Gia hạn {x}"],
         ["giấy phép khai thác thủy sản", "giấy chứng nhận đăng ký tàu cá",
          "giấy chứng nhận an toàn kỹ thuật tàu cá",
          "giấy xác nhận đăng ký nuôi trồng thủy sản lồng bè",
          "văn bản chấp thuận đóng mới, cải hoán tàu cá"]),
    ]),
    ("NN", "NN-NN", "Thủy lợi và phát triển nông thôn", [
        "Công nhận doanh nghiệp nông nghiệp ứng dụng công nghệ cao",
        "Phê duyệt kết quả đánh giá, phân hạng sản phẩm OCOP",
    ], [
        (["Cấp giấy phép {x}", "Cấp gia hạn, điều chỉnh giấy phép {x}"],
         ["xây dựng công trình mới trong phạm vi bảo vệ công trình thủy lợi",
          "xả nước thải vào công trình thủy lợi",
          "nổ mìn trong phạm vi bảo vệ công trình thủy lợi"]),
    ]),
    ("GD", "GD-VB", "Văn bằng, chứng chỉ", [], [
        (["Cấp bản sao {x} từ sổ gốc", "Chỉnh sửa nội dung {x}",
          "Công nhận {x} do cơ sở giáo dục nước ngoài cấp"],
         ["văn bằng", "chứng chỉ", "bằng tốt nghiệp trung học phổ thông",
          "bằng tốt nghiệp trung học cơ sở", "bằng tốt nghiệp trung cấp",
          "chứng chỉ ngoại ngữ, tin học"]),
    ]),
    ("GD", "GD-VB", "Giáo dục và đào tạo thuộc hệ thống giáo dục quốc dân", [
        "Đăng ký dự thi tốt nghiệp trung học phổ thông",
        "Xét tuyển học sinh vào trường phổ thông dân tộc nội trú",
        "Phúc khảo bài thi tốt nghiệp trung học phổ thông",
        "Chuyển trường đối với học sinh trung học phổ thông",
        "Xin học lại tại trường khác đối với học sinh trung học",
        "Cấp phép tổ chức hoạt động dạy thêm, học thêm",
    ], [
        (["Thành lập {x}", "Cho phép {x} hoạt động giáo dục", "Sáp nhập, chia, tách {x}",
          "Giải thể {x}", "Cho phép {x} hoạt động giáo dục trở lại"],
         ["trường trung học phổ thông công lập", "trường trung học phổ thông tư thục",
          "trường phổ thông dân tộc nội trú", "trung tâm ngoại ngữ, tin học",
          "trung tâm giáo dục thường xuyên", "trường chuyên biệt công lập",
          "trung tâm hỗ trợ phát triển giáo dục hòa nhập"]),
    ]),
    ("VH", "VH-VH", "Du lịch", [
        "Công nhận hạng cơ sở lưu trú du lịch: hạng 1 sao, 2 sao, 3 sao",
    ], [
        (["Cấp {x}", "Cấp đổi {x}", "Cấp lại {x}"],
         ["thẻ hướng dẫn viên du lịch nội địa", "thẻ hướng dẫn viên du lịch quốc tế",
          "thẻ hướng dẫn viên du lịch tại điểm",
          "giấy phép kinh doanh dịch vụ lữ hành nội địa",
          "giấy phép kinh doanh dịch vụ lữ hành quốc tế",
          "biển hiệu phương tiện vận chuyển khách du lịch"]),
    ]),
    ("VH", "VH-VH", "Văn hóa, di sản, quảng cáo và thể dục thể thao", [
        "Cấp giấy phép tổ chức lễ hội",
        "Tiếp nhận thông báo sản phẩm quảng cáo trên bảng quảng cáo, băng-rôn",
        "Cấp giấy phép triển lãm mỹ thuật",
        "Cấp giấy phép xây dựng tượng đài, tranh hoành tráng",
        "Cấp giấy phép tổ chức biểu diễn nghệ thuật",
        "Cấp giấy chứng nhận hành nghề mua bán di vật, cổ vật",
    ], [
        (["Cấp giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao đối với {x}"],
         ["môn Bơi, Lặn", "môn Võ cổ truyền, Vovinam", "môn Quần vợt", "môn Bóng đá",
          "môn Thể dục thẩm mỹ", "môn Yoga", "môn Billiards & Snooker", "môn Khiêu vũ thể thao",
          "môn Taekwondo", "môn Karate", "môn Dù lượn", "môn Mô tô nước trên biển",
          "môn Bắn súng thể thao", "môn Lân Sư Rồng", "môn Golf", "môn Patin",
          "môn Leo núi thể thao", "môn Đấu kiếm thể thao"]),
    ]),
    ("NV", "NV-NV", "Tổ chức phi chính phủ, tôn giáo, thi đua khen thưởng", [
        "Đăng ký sinh hoạt tôn giáo tập trung",
        "Đề nghị tổ chức cuộc lễ ngoài cơ sở tôn giáo",
        "Thông báo người được phong phẩm hoặc suy cử làm chức sắc",
        "Đăng ký hoạt động tín ngưỡng",
        "Đề nghị thay đổi địa điểm sinh hoạt tôn giáo tập trung",
        "Tặng Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh",
        "Tặng danh hiệu Tập thể lao động xuất sắc",
        "Thẩm định thành lập đơn vị sự nghiệp công lập",
    ], [
        (["Thành lập {x}", "Phê duyệt điều lệ {x}", "Chia, tách, sáp nhập, hợp nhất {x}",
          "Đổi tên {x}", "Giải thể {x}", "Cho phép {x} đặt văn phòng đại diện"],
         ["hội có phạm vi hoạt động trong tỉnh", "quỹ xã hội, quỹ từ thiện", "hội nghề nghiệp",
          "hội hữu nghị", "liên hiệp các hội"]),
    ]),
    ("TT", "TT-TT", "Báo chí, xuất bản, in và phát hành", [
        "Cấp giấy chứng nhận đủ điều kiện hoạt động điểm cung cấp dịch vụ trò chơi điện tử công cộng",
    ], [
        (["Cấp {x}", "Cấp lại {x}", "Sửa đổi, bổ sung {x}", "Gia hạn {x}"],
         ["giấy phép xuất bản bản tin", "giấy phép hoạt động in",
          "giấy phép thiết lập trang thông tin điện tử tổng hợp",
          "giấy phép nhập khẩu xuất bản phẩm không kinh doanh",
          "giấy xác nhận đăng ký hoạt động cơ sở in",
          "giấy phép tổ chức triển lãm, hội chợ xuất bản phẩm"]),
        (["Cấp {x}", "Cấp lại {x}"],
         ["giấy phép cung cấp dịch vụ trò chơi điện tử G1 trên mạng",
          "giấy xác nhận đăng ký hoạt động phát hành xuất bản phẩm",
          "giấy phép xuất bản tài liệu không kinh doanh",
          "giấy phép hoạt động báo in địa phương"]),
    ]),
    ("BH", "BH-XH", "Bảo hiểm xã hội, bảo hiểm y tế", [
        "Đăng ký tham gia bảo hiểm xã hội bắt buộc, bảo hiểm y tế, bảo hiểm thất nghiệp",
        "Cấp lại, đổi, điều chỉnh thông tin trên sổ bảo hiểm xã hội, thẻ bảo hiểm y tế",
        "Giải quyết hưởng lương hưu",
        "Giải quyết hưởng bảo hiểm xã hội một lần",
        "Giải quyết hưởng chế độ tử tuất",
        "Giải quyết hưởng trợ cấp ốm đau",
        "Giải quyết hưởng chế độ thai sản",
        "Đăng ký tham gia bảo hiểm xã hội tự nguyện",
        "Cấp thẻ bảo hiểm y tế cho người chỉ tham gia bảo hiểm y tế",
        "Hoàn trả tiền đã đóng bảo hiểm y tế theo hộ gia đình",
        "Thanh toán trực tiếp chi phí khám bệnh, chữa bệnh bảo hiểm y tế",
    ], [
        (["Giải quyết hưởng chế độ {x}", "Điều chỉnh mức hưởng chế độ {x}",
          "Tạm dừng, tiếp tục hưởng chế độ {x}", "Chuyển nơi hưởng chế độ {x}"],
         ["hưu trí", "tai nạn lao động", "bệnh nghề nghiệp",
          "dưỡng sức, phục hồi sức khỏe sau ốm đau",
          "dưỡng sức, phục hồi sức khỏe sau thai sản", "tử tuất hằng tháng",
          "ốm đau đối với người mắc bệnh cần chữa trị dài ngày",
          "thai sản đối với lao động nam có vợ sinh con"]),
    ]),
]

# Procedures added after the first catalogue, listed in their field after its
# verbatim names (with them, the ones visitors ask for most; the kiosk shows a
# field's procedures in catalogue order).  Their codes come after every code of
# the first catalogue, so no earlier procedure changes code.
ADDED = {
    "Chứng thực": [
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của nước ngoài cấp hoặc chứng nhận",
        "Chứng thực chữ ký trong các giấy tờ, văn bản",
        "Chứng thực chữ ký người dịch mà người dịch là cộng tác viên dịch thuật",
        "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản",
        "Chứng thực hợp đồng, giao dịch liên quan đến quyền sử dụng đất, nhà ở",
        "Chứng thực di chúc",
        "Chứng thực văn bản thỏa thuận phân chia di sản",
        "Chứng thực văn bản khai nhận di sản",
        "Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch",
        "Sửa lỗi sai sót trong hợp đồng, giao dịch đã được chứng thực",
        "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực",
        "Cấp bản sao từ sổ gốc",
    ],
    "Hộ tịch": [
        "Đăng ký nhận cha, mẹ, con",
        "Đăng ký giám hộ",
        "Đăng ký chấm dứt giám hộ",
        "Đăng ký lại khai sinh",
        "Đăng ký lại kết hôn",
        "Đăng ký lại khai tử",
        "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
        "Liên thông thủ tục hành chính về đăng ký khai tử, xóa đăng ký thường trú, hưởng chế độ tử tuất, hỗ trợ chi phí mai táng",
    ],
    "Căn cước": [
        "Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên",
        "Cấp thẻ căn cước cho người dưới 14 tuổi",
        "Cấp đổi thẻ căn cước",
        "Cấp lại thẻ căn cước",
        "Cấp giấy chứng nhận căn cước",
        "Xác nhận số chứng minh nhân dân, số căn cước công dân",
        "Tích hợp, cập nhật, điều chỉnh thông tin trên thẻ căn cước",
        "Khai thác thông tin trong Cơ sở dữ liệu quốc gia về dân cư",
    ],
    "Cư trú": [
        "Đăng ký thường trú",
        "Đăng ký tạm trú",
        "Gia hạn tạm trú",
        "Xóa đăng ký thường trú",
        "Xóa đăng ký tạm trú",
        "Tách hộ",
        "Điều chỉnh thông tin về cư trú trong Cơ sở dữ liệu về cư trú",
        "Khai báo tạm vắng",
        "Thông báo lưu trú",
        "Xác nhận thông tin về cư trú",
    ],
}

# Generated names dropped from the first catalogue (they read oddly); each
# still takes its code, so the codes after it stay what they were.
RETIRED_TEMPLATES = {
    "Khiếu nại về việc cấp {x}",
    "Ghi vào Sổ hộ tịch việc {x} đã giải quyết ở nước ngoài",
    "Xác định lại {x}",
    "Giãn tiến độ {x}",
    "Cho phép {x} đặt văn phòng đại diện",
    "Vận hành thử nghiệm công trình xử lý chất thải {x}",
}
RETIRED_NAMES = {
    "Cấp giấy phép di dời đối với dự án đầu tư xây dựng nhiều công trình",
    "Cấp giấy phép xây dựng có thời hạn đối với công trình của cơ quan ngoại giao và tổ chức quốc tế",
}

# The everyday names visitors use (column "keywords", "; "-separated), for
# search only: a visitor types "sổ đỏ", the kiosk offers the official name.
KEYWORDS = {
    "Cấp Phiếu lý lịch tư pháp": "lý lịch tư pháp; phiếu lý lịch; lý lịch; xin lý lịch tư pháp",
    "Cấp Phiếu lý lịch tư pháp qua ứng dụng định danh điện tử": "lý lịch tư pháp VNeID; VNeID",
    "Đăng ký khai sinh": "giấy khai sinh; làm giấy khai sinh; khai sinh cho con; làm khai sinh",
    "Đăng ký kết hôn": "giấy đăng ký kết hôn; giấy kết hôn; đăng ký cưới; cưới",
    "Đăng ký khai tử": "giấy chứng tử; báo tử; khai tử",
    "Cấp Giấy xác nhận tình trạng hôn nhân": "giấy xác nhận độc thân; xác nhận độc thân; giấy độc thân",
    "Cấp bản sao trích lục hộ tịch": "bản sao giấy khai sinh; trích lục khai sinh; trích lục kết hôn; trích lục",
    "Thay đổi, cải chính, bổ sung thông tin hộ tịch": "đổi tên; sửa tên; cải chính họ tên; sửa ngày sinh; đổi họ",
    "Đăng ký lại khai sinh": "mất giấy khai sinh; làm lại giấy khai sinh",
    "Đăng ký nhận cha, mẹ, con": "nhận con; nhận cha",
    "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi": "khai sinh liên thông; thẻ bảo hiểm y tế cho trẻ em",
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận": "công chứng giấy tờ; sao y; sao y bản chính; photo công chứng; chứng thực bản sao; công chứng bản sao",
    "Chứng thực chữ ký trong các giấy tờ, văn bản": "chứng thực chữ ký; xác nhận chữ ký; công chứng chữ ký",
    "Chứng thực hợp đồng, giao dịch liên quan đến quyền sử dụng đất, nhà ở": "công chứng hợp đồng mua bán nhà; hợp đồng mua bán đất; công chứng mua bán đất",
    "Chứng thực di chúc": "di chúc; làm di chúc",
    "Cấp bản sao từ sổ gốc": "bản sao sổ gốc",
    "Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên": "căn cước công dân; CCCD; làm căn cước; thẻ căn cước; làm CCCD; chứng minh nhân dân; CMND",
    "Cấp thẻ căn cước cho người dưới 14 tuổi": "căn cước cho trẻ em; căn cước cho con",
    "Cấp đổi thẻ căn cước": "đổi căn cước; đổi CCCD; đổi chứng minh nhân dân; đổi CMND",
    "Cấp lại thẻ căn cước": "mất căn cước; làm lại căn cước; mất CCCD; làm lại CCCD",
    "Xác nhận số chứng minh nhân dân, số căn cước công dân": "giấy xác nhận số chứng minh; xác nhận CMND",
    "Đăng ký thường trú": "hộ khẩu; nhập hộ khẩu; chuyển hộ khẩu; đăng ký hộ khẩu; sổ hộ khẩu",
    "Đăng ký tạm trú": "tạm trú; đăng ký tạm trú; sổ tạm trú",
    "Tách hộ": "tách hộ khẩu; tách khẩu",
    "Xác nhận thông tin về cư trú": "giấy xác nhận cư trú; xác nhận cư trú; CT07",
    "Khai báo tạm vắng": "tạm vắng",
    "Cấp hộ chiếu phổ thông ở trong nước": "hộ chiếu; làm hộ chiếu; passport; làm passport",
    "Cấp hộ chiếu phổ thông cho người chưa đủ 14 tuổi": "hộ chiếu cho trẻ em; hộ chiếu cho con",
    "Cấp lại hộ chiếu phổ thông": "làm lại hộ chiếu; đổi hộ chiếu; hộ chiếu hết hạn",
    "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất lần đầu": "sổ đỏ; bìa đỏ; sổ hồng; giấy đỏ; làm sổ đỏ; cấp sổ đỏ; làm sổ hồng",
    "Cấp đổi Giấy chứng nhận quyền sử dụng đất": "đổi sổ đỏ; đổi sổ hồng; đổi bìa đỏ",
    "Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất": "mất sổ đỏ; làm lại sổ đỏ; mất sổ hồng; mất bìa đỏ",
    "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do chuyển nhượng": "sang tên sổ đỏ; sang tên đất; mua bán đất; sang tên nhà đất; chuyển nhượng đất",
    "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do tặng cho": "cho tặng đất; tặng cho nhà đất; sang tên cho con",
    "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do thừa kế": "thừa kế đất; thừa kế nhà đất; khai nhận thừa kế",
    "Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất": "thế chấp sổ đỏ; thế chấp đất; vay ngân hàng",
    "Xóa đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất": "xóa thế chấp; giải chấp; giải chấp sổ đỏ",
    "Tách thửa hoặc hợp thửa đất": "tách thửa; tách sổ; hợp thửa; gộp sổ",
    "Chuyển mục đích sử dụng đất cho hộ gia đình, cá nhân": "chuyển đất nông nghiệp lên thổ cư; lên thổ cư; chuyển đổi mục đích sử dụng đất",
    "Cung cấp dữ liệu đất đai": "trích lục bản đồ; trích lục thửa đất; thông tin quy hoạch đất",
    "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ": "giấy phép xây nhà; xin phép xây nhà; xây nhà; xây nhà mới",
    "Cấp giấy phép sửa chữa, cải tạo đối với nhà ở riêng lẻ": "sửa nhà; cải tạo nhà; giấy phép sửa nhà",
    "Cấp đổi giấy phép lái xe": "bằng lái; bằng lái xe; đổi bằng lái; đổi bằng lái xe; bằng lái hết hạn",
    "Cấp lại giấy phép lái xe": "mất bằng lái; làm lại bằng lái; mất bằng lái xe",
    "Cấp giấy phép lái xe quốc tế": "bằng lái quốc tế; IDP",
    "Sát hạch cấp giấy phép lái xe hạng A1": "thi bằng lái xe máy; bằng lái xe máy; thi bằng A1",
    "Sát hạch cấp giấy phép lái xe hạng B2": "thi bằng lái ô tô; bằng lái ô tô; thi bằng B2",
    "Đăng ký xe ô tô": "biển số ô tô; đăng ký ô tô; cà vẹt ô tô",
    "Đăng ký xe mô tô, xe gắn máy": "biển số xe máy; đăng ký xe máy; cà vẹt xe máy",
    "Đăng ký sang tên xe mô tô, xe gắn máy": "sang tên xe máy; mua bán xe máy",
    "Đăng ký sang tên xe ô tô": "sang tên ô tô; mua bán ô tô",
    "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên": "đăng ký kinh doanh; mở công ty; thành lập công ty; giấy phép kinh doanh; công ty TNHH",
    "Đăng ký thành lập doanh nghiệp tư nhân": "mở doanh nghiệp; doanh nghiệp tư nhân",
    "Đăng ký thành lập công ty cổ phần": "mở công ty cổ phần",
    "Thông báo tạm ngừng kinh doanh của công ty trách nhiệm hữu hạn một thành viên": "tạm ngừng kinh doanh; tạm dừng kinh doanh",
    "Giải thể công ty trách nhiệm hữu hạn một thành viên": "giải thể công ty; đóng cửa công ty",
    "Giải quyết hưởng trợ cấp thất nghiệp": "bảo hiểm thất nghiệp; trợ cấp thất nghiệp; lãnh thất nghiệp; thất nghiệp",
    "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam": "giấy phép lao động; work permit",
    "Giải quyết hưởng bảo hiểm xã hội một lần": "rút bảo hiểm xã hội một lần; rút bảo hiểm một lần; rút sổ bảo hiểm; BHXH một lần",
    "Cấp lại, đổi, điều chỉnh thông tin trên sổ bảo hiểm xã hội, thẻ bảo hiểm y tế": "sổ bảo hiểm; mất sổ bảo hiểm; mất thẻ bảo hiểm y tế; đổi thẻ BHYT; thẻ BHYT",
    "Cấp thẻ bảo hiểm y tế cho người chỉ tham gia bảo hiểm y tế": "thẻ bảo hiểm y tế; làm thẻ BHYT; BHYT",
    "Giải quyết hưởng chế độ thai sản": "thai sản; chế độ thai sản; tiền sinh con",
    "Giải quyết hưởng lương hưu": "nghỉ hưu; lương hưu; về hưu",
    "Cấp giấy phép hoạt động đối với phòng khám chuyên khoa": "mở phòng khám; giấy phép phòng khám",
    "Cấp Giấy chứng nhận đủ điều kiện kinh doanh dược cho nhà thuốc": "mở nhà thuốc; mở hiệu thuốc; giấy phép nhà thuốc",
    "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở kinh doanh dịch vụ ăn uống": "mở quán ăn; giấy an toàn thực phẩm; vệ sinh an toàn thực phẩm; nhà hàng",
    "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh đối với người Việt Nam": "chứng chỉ hành nghề y; chứng chỉ hành nghề bác sĩ",
    "Cấp chứng chỉ hành nghề dược theo hình thức xét hồ sơ": "chứng chỉ hành nghề dược",
    "Cấp thẻ hướng dẫn viên du lịch nội địa": "thẻ hướng dẫn viên",
    "Cấp bản sao văn bằng từ sổ gốc": "bản sao bằng tốt nghiệp; mất bằng tốt nghiệp; sao bằng",
    "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ": "thờ cúng liệt sĩ",
    "Cấp giấy chứng nhận thân nhân liệt sĩ": "gia đình liệt sĩ",
    "Đăng ký mẫu con dấu mới": "khắc dấu; làm con dấu; con dấu công ty",
    "Cấp thị thực cho người nước ngoài tại Việt Nam": "visa; thị thực",
    "Cấp thẻ tạm trú cho người nước ngoài tại Việt Nam": "thẻ tạm trú người nước ngoài; TRC",
}

# Fees and processing times, picked per procedure from its name's hash.
FEES = ["Miễn phí", "Miễn phí", "50.000 đồng/lần", "100.000 đồng/hồ sơ",
        "200.000 đồng/giấy phép", "150.000 đồng/hồ sơ", "30.000 đồng/lần",
        "500.000 đồng/hồ sơ", "1.000.000 đồng/hồ sơ", "Theo quy định của Bộ Tài chính"]
TIMES = ["Trong ngày làm việc", "03 ngày làm việc", "05 ngày làm việc", "07 ngày làm việc",
         "10 ngày làm việc", "15 ngày làm việc", "20 ngày làm việc", "30 ngày"]
TARGETS = ["", "", "", "", "", "15", "20", "30", "45"]

BASE_DOCS = ["Tờ khai theo mẫu", "Bản sao giấy tờ tuỳ thân (căn cước hoặc hộ chiếu)"]
ACTION_DOCS = [
    ("Cấp lại", "Bản chính giấy tờ đã cấp hoặc văn bản trình bày lý do bị mất, hư hỏng"),
    ("Cấp đổi", "Bản chính giấy tờ đã cấp"),
    ("Gia hạn", "Báo cáo tình hình thực hiện trong thời gian được cấp"),
    ("Điều chỉnh", "Tài liệu chứng minh nội dung đề nghị điều chỉnh"),
    ("Thành lập", "Đề án thành lập, điều lệ hoặc quy chế hoạt động"),
    ("Đăng ký thành lập", "Danh sách thành viên, cổ đông sáng lập (nếu có)"),
    ("Thẩm định", "Hồ sơ thiết kế, báo cáo kèm theo (02 bộ)"),
    ("Giải quyết", "Giấy tờ chứng minh thuộc đối tượng được hưởng chế độ"),
]


def nfc(s):
    return unicodedata.normalize("NFC", s)


def pick(seq, name, salt):
    h = hashlib.sha256((salt + name).encode("utf-8")).digest()
    return seq[int.from_bytes(h[:4], "big") % len(seq)]


def documents(name, field):
    docs = list(BASE_DOCS)
    for prefix, doc in ACTION_DOCS:
        if name.startswith(prefix):
            docs.append(doc)
            break
    docs.append("Giấy tờ chuyên ngành lĩnh vực " + field.lower())
    if pick([0, 1, 2], name, "doc") == 0:
        docs.append('Văn bản uỷ quyền (nếu nộp thay, ghi rõ "người được uỷ quyền")')
    return "; ".join(docs)


def capitalise(s):
    return s[:1].upper() + s[1:]


def code_of(serial):
    """National-style code: "1.00xxxx" mostly, "2.00xxxx" for some."""
    series = 2 if serial % 5 == 0 else 1
    return "%d.%06d" % (series, 1000 + serial * 7)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "demo", "procedures.csv")
    seen = set()
    per_field = []          # (dept, queue, field, [(name, serial)])
    serial = 0
    # The first catalogue's names, in its order: serials (so codes) as they were.
    for dept, queue, field, verbatim, groups in FIELDS:
        named = []
        nverbatim = 0
        names = [(n, False) for n in verbatim]
        for templates, objects in groups:
            for obj in objects:
                for t in templates:
                    name = capitalise(t.format(x=obj))
                    names.append((name, t in RETIRED_TEMPLATES or name in RETIRED_NAMES))
        for name, retired in names:
            name = nfc(name)
            if name in seen:
                continue
            seen.add(name)
            serial += 1
            if not retired:
                named.append((name, serial))
                nverbatim += name in verbatim
        per_field.append((dept, queue, field, named, nverbatim))
    # Then the added names, after the verbatim ones, with codes after all.
    for k, (dept, queue, field, named, nverbatim) in enumerate(per_field):
        added = []
        for name in ADDED.get(field, []):
            name = nfc(name)
            if name in seen:
                sys.exit("gen-catalogue: added name already present: " + name)
            seen.add(name)
            serial += 1
            added.append((name, serial))
        per_field[k] = (dept, queue, field, named[:nverbatim] + added + named[nverbatim:])
    for name in KEYWORDS:
        if nfc(name) not in seen:
            sys.exit("gen-catalogue: keywords for an unknown name: " + name)
    rows = []
    for dept, queue, field, named in per_field:
        for name, sno in named:
            kw = "; ".join(k.strip() for k in KEYWORDS.get(name, "").split(";") if k.strip())
            rows.append([code_of(sno), name, dept, nfc(field), queue, pick(TARGETS, name, "target"),
                         nfc(pick(FEES, name, "fee")), nfc(pick(TIMES, name, "time")),
                         nfc(documents(name, field)), nfc(kw)])
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "department", "field", "queue", "target_wait_min",
                    "fee", "processing_time", "documents", "keywords"])
        w.writerows(rows)
    print("%s: %d procedures" % (out, len(rows)), file=sys.stderr)


if __name__ == "__main__":
    main()
