; Included by electron-builder's NSIS installer (electron-builder.config.mjs, nsis.include).
; Registers the controldeck:// scheme for the installing user: electron-builder's `protocols`
; option only covers macOS and Linux, and the app's own setAsDefaultProtocolClient runs only
; once it has started, so a link clicked before the first launch would otherwise go nowhere.
!macro customInstall
  WriteRegStr SHCTX "Software\Classes\controldeck" "" "URL:ControlDeck link"
  WriteRegStr SHCTX "Software\Classes\controldeck" "URL Protocol" ""
  WriteRegStr SHCTX "Software\Classes\controldeck\DefaultIcon" "" "$appExe,0"
  WriteRegStr SHCTX "Software\Classes\controldeck\shell\open\command" "" '"$appExe" "%1"'
!macroend

!macro customUnInstall
  DeleteRegKey SHCTX "Software\Classes\controldeck"
!macroend
