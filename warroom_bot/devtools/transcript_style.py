"""The look of the transcript page (`warroom_bot.devtools.transcript_page`): Slack's colours,
type and spacing, as one style sheet."""

STYLE = """
* { box-sizing: border-box; }
html { scroll-padding-top: 52px; }
body { font: 15px/1.46668 Lato, "Helvetica Neue", Helvetica, "Liberation Sans", Arial, sans-serif, "Noto Color Emoji";
       margin: 0; color: #1d1c1d; background: #fff; -webkit-font-smoothing: antialiased; }
.top { position: sticky; top: 0; z-index: 3; height: 40px; background: #350d36; color: #fff; display: flex;
       align-items: center; padding: 0 16px; }
h1 { margin: 0; font-size: 13px; font-weight: 700; opacity: 0.9; }
.app { display: grid; grid-template-columns: 240px minmax(0, 1fr); min-height: calc(100vh - 40px);
       background: linear-gradient(to right, #3f0e40 240px, #fff 240px); }
nav { background: #3f0e40; color: #cfc3cf; position: sticky; top: 40px; height: calc(100vh - 40px); overflow-y: auto;
      padding-bottom: 16px; }
nav .workspace { color: #fff; font-weight: 900; font-size: 18px; padding: 14px 16px; border-bottom: 1px solid #522653;
                 margin-bottom: 10px; }
nav .nav-label { font-size: 14px; padding: 10px 16px 4px; opacity: 0.85; }
nav a { display: flex; gap: 8px; color: #cfc3cf; text-decoration: none; padding: 3px 16px 3px 26px; font-size: 15px;
        white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
nav a:first-of-type { background: #1164a3; color: #fff; font-weight: 700; }
nav a:hover { background: #350d36; }
nav .mark { width: 14px; text-align: center; opacity: 0.8; }
main { min-width: 0; }
section { border-bottom: 6px solid #f4ede4; }
h2 { position: sticky; top: 40px; z-index: 2; margin: 0; padding: 12px 20px; font-size: 18px; font-weight: 900;
     background: #fff; border-bottom: 1px solid #dddddd; }
.conversation { padding: 4px 0 16px; }
.day { position: relative; text-align: center; margin: 16px 0 6px; }
.day::before { content: ""; position: absolute; left: 0; right: 0; top: 50%; border-top: 1px solid #dddddd; }
.day span { position: relative; display: inline-block; background: #fff; border: 1px solid #dddddd;
            border-radius: 24px; padding: 2px 16px; font-size: 13px; font-weight: 700; }
.message { display: flex; gap: 8px; padding: 8px 20px; }
.message.grouped { padding-top: 2px; padding-bottom: 2px; }
.message:hover { background: #f8f8f8; }
.gutter { flex: none; width: 36px; }
.avatar { width: 36px; height: 36px; border-radius: 6px; color: #fff; font-weight: 900; font-size: 17px;
          display: flex; align-items: center; justify-content: center; }
.gutter-time { display: block; visibility: hidden; color: #616061; font-size: 11px; line-height: 20px; text-align: right; }
.message:hover .gutter-time { visibility: visible; }
.body { flex: 1; min-width: 0; }
.body > :last-child { margin-bottom: 0; }
.grouped .body > :first-child { margin-top: 0; }
.meta { line-height: 1.2; margin-bottom: 2px; }
.meta .author { font-weight: 900; }
.badge { display: inline-block; margin-left: 4px; padding: 0 3px; border-radius: 2px; background: rgba(29,28,29,0.13);
         color: #616061; font-size: 10px; font-weight: 700; line-height: 14px; vertical-align: 2px; }
.meta time { margin-left: 8px; color: #616061; font-size: 12px; }
.edited { color: #616061; font-size: 12px; margin-left: 4px; }
.person .text { color: #454245; }
.ephemeral { background: #f4f7fb; }
.ephemeral:hover { background: #eef2f8; }
.text { overflow-wrap: anywhere; }
.header { font-size: 18px; font-weight: 900; line-height: 1.33; margin: 2px 0 6px; }
.section { display: flex; align-items: flex-start; gap: 12px; margin: 0 0 4px; }
.section-main { flex: 1; min-width: 0; }
.accessory { flex: none; }
.fields { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 4px 16px; margin-top: 4px;
          max-width: 600px; }
.section-main > .text + .fields { margin-top: 8px; }
.field { overflow-wrap: anywhere; }
.context { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; margin: 0 0 4px; color: #616061;
           font-size: 12px; line-height: 1.5; }
.context code { font-size: 11px; }
.context-image { width: 16px; height: 16px; border-radius: 3px; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 6px; }
.button { display: inline-flex; align-items: center; height: 28px; padding: 0 12px; border-radius: 4px;
          border: 1px solid rgba(29,28,29,0.3); background: #fff; color: #1d1c1d; font-size: 13px; font-weight: 700;
          white-space: nowrap; }
.button.primary { background: #007a5a; border-color: #007a5a; color: #fff; }
.button.danger { background: #e01e5a; border-color: #e01e5a; color: #fff; }
.button.select { font-weight: 400; }
.mention { color: #1264a3; background: rgba(29,155,209,0.1); border-radius: 3px; padding: 0 2px; }
a { color: #1264a3; text-decoration: none; }
a:hover { text-decoration: underline; }
code { font: 12px/1.5 Monaco, Menlo, Consolas, "DejaVu Sans Mono", monospace; color: #e01e5a; padding: 2px 3px 1px;
       border: 1px solid rgba(29,28,29,0.13); border-radius: 3px; background: rgba(29,28,29,0.04); }
pre { font: 12px/1.5 Monaco, Menlo, Consolas, "DejaVu Sans Mono", monospace; margin: 4px 0; padding: 8px;
      border: 1px solid rgba(29,28,29,0.13); border-radius: 4px; background: rgba(29,28,29,0.04);
      white-space: pre; overflow-x: auto; }
blockquote { margin: 2px 0; padding-left: 12px; border-left: 4px solid #dddddd; }
.thread { margin: 0 20px 6px 64px; border-left: 2px solid #e0dfe0; }
.thread .message { padding-left: 12px; }
.thread .avatar { width: 24px; height: 24px; font-size: 12px; border-radius: 4px; }
.thread .gutter { width: 24px; }
.thread .gutter-time { font-size: 10px; line-height: 18px; }
.replies { padding: 2px 12px; color: #1264a3; font-size: 13px; font-weight: 700; }
img.file { display: block; max-width: min(100%, 560px); max-height: 420px; margin-top: 6px; border: 1px solid #dddddd;
           border-radius: 8px; }
img.thumbnail { width: 88px; height: 88px; object-fit: cover; border-radius: 6px; }
.image-title { font-size: 13px; color: #616061; margin-top: 4px; }
div.file { display: inline-flex; align-items: center; gap: 10px; margin-top: 6px; padding: 10px 14px 10px 10px;
           border: 1px solid #dddddd; border-radius: 8px; background: #fff; }
.file-icon { font-size: 22px; width: 40px; height: 40px; border-radius: 6px; background: #f4ede4; display: flex;
             align-items: center; justify-content: center; }
.file-kind { display: block; color: #616061; font-size: 12px; }
hr.divider { border: 0; border-top: 1px solid #dddddd; margin: 8px 0; }
"""
