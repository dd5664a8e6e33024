package demo

// unitSpec is one unit of the demo province.
type unitSpec struct {
	code, nameVI, nameEN string
	kind                 string // department, district or commune
	parent               string // parent unit code
	// noProcedures marks departments that handle no administrative
	// procedures (ranked apart, or not at all, by most provincial indexes).
	noProcedures bool
	population   string
}

// province lists the units of Tỉnh Hòa Bình Xanh in registration order.
// The names follow the 2025 organisation of provincial departments.
var province = []unitSpec{
	{code: "SO-NV", nameVI: "Sở Nội vụ", nameEN: "Department of Home Affairs", kind: "department"},
	{code: "SO-TC", nameVI: "Sở Tài chính", nameEN: "Department of Finance", kind: "department"},
	{code: "SO-XD", nameVI: "Sở Xây dựng", nameEN: "Department of Construction", kind: "department"},
	{code: "SO-YT", nameVI: "Sở Y tế", nameEN: "Department of Health", kind: "department"},
	{code: "SO-GDDT", nameVI: "Sở Giáo dục và Đào tạo", nameEN: "Department of Education and Training", kind: "department"},
	{code: "SO-KHCN", nameVI: "Sở Khoa học và Công nghệ", nameEN: "Department of Science and Technology", kind: "department"},
	{code: "SO-CT", nameVI: "Sở Công Thương", nameEN: "Department of Industry and Trade", kind: "department"},
	{code: "SO-NNMT", nameVI: "Sở Nông nghiệp và Môi trường", nameEN: "Department of Agriculture and Environment", kind: "department"},
	{code: "SO-VHTTDL", nameVI: "Sở Văn hóa, Thể thao và Du lịch", nameEN: "Department of Culture, Sports and Tourism", kind: "department"},
	{code: "SO-TP", nameVI: "Sở Tư pháp", nameEN: "Department of Justice", kind: "department"},
	{code: "SO-DTTG", nameVI: "Sở Dân tộc và Tôn giáo", nameEN: "Department of Ethnic and Religious Affairs", kind: "department"},
	{code: "SO-NGV", nameVI: "Sở Ngoại vụ", nameEN: "Department of Foreign Affairs", kind: "department"},
	{code: "TTR", nameVI: "Thanh tra tỉnh", nameEN: "Provincial Inspectorate", kind: "department"},
	{code: "VP-UBND", nameVI: "Văn phòng UBND tỉnh", nameEN: "Office of the Provincial People's Committee", kind: "department"},
	{code: "BQL-KCN", nameVI: "Ban Quản lý các khu công nghiệp tỉnh", nameEN: "Industrial Zones Authority", kind: "department"},
	{code: "VP-DDBQH", nameVI: "Văn phòng Đoàn ĐBQH và HĐND tỉnh", nameEN: "Office of the National Assembly Delegation and People's Council", kind: "department", noProcedures: true},
	{code: "DAI-PTTH", nameVI: "Đài Phát thanh và Truyền hình tỉnh", nameEN: "Provincial Radio and Television", kind: "department", noProcedures: true},
	{code: "TRUONG-CT", nameVI: "Trường Chính trị tỉnh", nameEN: "Provincial Political School", kind: "department", noProcedures: true},
	{code: "BQL-DAXD", nameVI: "Ban Quản lý dự án đầu tư xây dựng tỉnh", nameEN: "Construction Investment Project Management Board", kind: "department", noProcedures: true},
	{code: "BQL-DLHBX", nameVI: "Ban Quản lý Khu du lịch hồ Bình Xanh", nameEN: "Bình Xanh Lake Tourist Area Authority", kind: "department", noProcedures: true},

	{code: "TP-BINHXANH", nameVI: "UBND thành phố Bình Xanh", nameEN: "Bình Xanh City", kind: "district", population: "142300"},
	{code: "TX-SONLAM", nameVI: "UBND thị xã Sơn Lâm", nameEN: "Sơn Lâm Town", kind: "district", population: "68400"},
	{code: "H-KIMSON", nameVI: "UBND huyện Kim Sơn", nameEN: "Kim Sơn District", kind: "district", population: "85200"},
	{code: "H-LACTHUY", nameVI: "UBND huyện Lạc Thủy", nameEN: "Lạc Thủy District", kind: "district", population: "57900"},
	{code: "H-YENHOA", nameVI: "UBND huyện Yên Hòa", nameEN: "Yên Hòa District", kind: "district", population: "73100"},
	{code: "H-DABAC", nameVI: "UBND huyện Đà Bắc", nameEN: "Đà Bắc District", kind: "district", population: "54600"},
	{code: "H-LUONGSON", nameVI: "UBND huyện Lương Sơn", nameEN: "Lương Sơn District", kind: "district", population: "96800"},
	{code: "H-THANHHA", nameVI: "UBND huyện Thanh Hà", nameEN: "Thanh Hà District", kind: "district", population: "61250"},
	{code: "H-MINHLONG", nameVI: "UBND huyện Minh Long", nameEN: "Minh Long District", kind: "district", population: "39700"},

	{code: "TT-KIMSON", nameVI: "UBND thị trấn Kim Sơn", nameEN: "Kim Sơn Township", kind: "commune", parent: "H-KIMSON", population: "14100"},
	{code: "X-KIMBINH", nameVI: "UBND xã Kim Bình", nameEN: "Kim Bình Commune", kind: "commune", parent: "H-KIMSON", population: "9800"},
	{code: "X-KIMTAN", nameVI: "UBND xã Kim Tân", nameEN: "Kim Tân Commune", kind: "commune", parent: "H-KIMSON", population: "7650"},
	{code: "X-HOPTHANH", nameVI: "UBND xã Hợp Thành", nameEN: "Hợp Thành Commune", kind: "commune", parent: "H-KIMSON", population: "8300"},
}

// accountSpec is one demo account.
type accountSpec struct {
	username, fullName string
	role               string // a role, or "reviewer:first" / "reviewer:rest" for pillar-scoped reviewers
	unit               string // unit code, "" for the whole province
	subtree            bool
	noteVI, noteEN     string
}

// accounts are the demo accounts, one or more per role.
var accounts = []accountSpec{
	{"quantri", "Nguyễn Thị Hạnh", "admin", "", false, "Cơ quan thường trực (Sở KH&CN)", "Secretariat (Department of Science and Technology)"},
	{"hoidong.chutich", "Trần Văn Minh", "reviewer", "", false, "Chủ tịch Hội đồng thẩm định, mọi trụ cột", "Appraisal council chair, every pillar"},
	{"hoidong.tru1", "Lê Thị Thu", "reviewer:first", "", false, "", ""},
	{"hoidong.tru23", "Phạm Quốc Bảo", "reviewer:rest", "", false, "", ""},
	{"lanhdao.tinh", "Đỗ Văn Long", "viewer", "", false, "Ban Chỉ đạo chuyển đổi số tỉnh", "Provincial digital transformation steering committee"},
	{"sotc.daumoi", "Vũ Thị Lan", "unit_editor", "SO-TC", false, "Cán bộ đầu mối Sở Tài chính (hồ sơ đang soạn)", "Focal point, Department of Finance (draft form)"},
	{"sotc.lanhdao", "Hoàng Văn Nam", "unit_approver", "SO-TC", false, "Phó Giám đốc Sở Tài chính", "Deputy director, Department of Finance"},
	{"soyt.daumoi", "Bùi Thị Mai", "unit_editor", "SO-YT", false, "Cán bộ đầu mối Sở Y tế (hồ sơ bị trả lại)", "Focal point, Department of Health (returned form)"},
	{"soyt.lanhdao", "Đặng Văn Hùng", "unit_approver", "SO-YT", false, "Giám đốc Sở Y tế", "Director, Department of Health"},
	{"sogddt.daumoi", "Ngô Thị Hoa", "unit_editor", "SO-GDDT", false, "Cán bộ đầu mối Sở GD&ĐT (hồ sơ đã duyệt)", "Focal point, Department of Education (approved form)"},
	{"sogddt.lanhdao", "Lý Văn Tùng", "unit_approver", "SO-GDDT", false, "Phó Giám đốc Sở GD&ĐT", "Deputy director, Department of Education"},
	{"kimson.daumoi", "Trịnh Thị Nga", "unit_editor", "H-KIMSON", false, "Cán bộ đầu mối huyện Kim Sơn (hồ sơ đã gửi)", "Focal point, Kim Sơn District (submitted form)"},
	{"kimson.lanhdao", "Mai Văn Đức", "unit_approver", "H-KIMSON", false, "Phó Chủ tịch UBND huyện Kim Sơn", "Vice-chair, Kim Sơn District"},
	{"kimson.quantri", "Phan Thị Yến", "admin", "H-KIMSON", true, "Quản trị cấp huyện: huyện Kim Sơn và các xã", "District admin: Kim Sơn and its communes"},
}

// currentStates gives the form status each unit reaches in the current
// period; units not listed take the next state of stateCycle.
var currentStates = map[string]string{
	"SO-TC":    "draft",
	"SO-YT":    "returned",
	"SO-GDDT":  "approved",
	"H-KIMSON": "submitted",
	"SO-NV":    "resubmitted",
}

var stateCycle = []string{"submitted", "approved", "draft", "returned", "approved", "resubmitted", "submitted", "draft", "empty"}
