//! The editor panel's words (`vi`, `nano`, `kubectl edit`), one struct per language.

pub struct EditorTexts {
    /// `{program}`, `{name}`.
    pub region: &'static str,
    pub unnamed: &'static str,
    pub new_file: &'static str,
    pub text_label: &'static str,
    pub command_label: &'static str,
    pub command_placeholder: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub vi_insert: &'static str,
    pub vi_normal: &'static str,
    pub nano_keys: &'static str,
    pub nano_confirm: &'static str,
    /// `{n}`.
    pub nano_wrote: &'static str,
}

pub static EN: EditorTexts = EditorTexts {
    region: "Editor: {name} ({program})",
    unnamed: "[No Name]",
    new_file: "[New]",
    text_label: "File text",
    command_label: "vi command line: :wq saves and closes, :q! quits without saving",
    command_placeholder: ":wq  :q!  :%s/old/new/g",
    save: "Save and close",
    cancel: "Quit without saving",
    vi_insert: "-- INSERT --   Esc, then :wq saves or :q! quits · Ctrl+S saves",
    vi_normal: "Type :wq and Enter to save, :q! to quit, i to go back to the text",
    nano_keys: "^O Write Out   ^X Exit   ^S Save   Esc Cancel",
    nano_confirm: "Save modified buffer?   Y Yes   N No   ^C Cancel",
    nano_wrote: "[ Wrote {n} lines ]",
};

pub static KO: EditorTexts = EditorTexts {
    region: "편집기: {name} ({program})",
    unnamed: "[이름 없음]",
    new_file: "[새 파일]",
    text_label: "파일 내용",
    command_label: "vi 명령줄: :wq 저장 후 닫기, :q! 저장하지 않고 나가기",
    command_placeholder: ":wq  :q!  :%s/old/new/g",
    save: "저장하고 닫기",
    cancel: "저장하지 않고 나가기",
    vi_insert: "-- 입력 --   Esc 후 :wq 저장 또는 :q! 나가기 · Ctrl+S 저장",
    vi_normal: ":wq 와 Enter로 저장, :q! 로 나가기, i 로 본문으로 돌아가기",
    nano_keys: "^O 저장   ^X 나가기   ^S 저장   Esc 취소",
    nano_confirm: "변경 내용을 저장할까요?   Y 예   N 아니요   ^C 취소",
    nano_wrote: "[ {n}줄 저장함 ]",
};
