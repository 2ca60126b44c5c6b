; SPDX-License-Identifier: GPL-3.0-or-later
;
; Replace Background over every image of a folder, in gimp-console, without a display (Script-Fu: Debian's
; GIMP 2.10 has no Python-Fu). docs/gimp.md shows how to call it:
;
;   gimp-console-2.10 -i \
;     -b '(begin (load "tools/gimp/atelier-replace-background-folder.scm")
;                (atelier-replace-background-folder "photos" "out" (quote ()) 0))' \
;     -b '(gimp-quit 0)'
;
; (load and call in one -b: each -b starts afresh, so a definition does not outlive its own.)
;
; IN-DIR       the folder read: its .jpg, .jpeg, .png, .tif, .tiff, .webp, .gif and .bmp files
; OUT-DIR      where each result goes, as NAME.png (the visible layers: background, shadow and subject);
;              it must exist
; SETTINGS     plug-in-atelier-replace-background's arguments after the drawable, in the Procedure Browser's
;              order, e.g. (list 0 (list 242 242 242) (list 200 200 200) 0.4 12 2 1 1.0 0 0 1 0 0.0 0.0 0.0 0 2000 2000 0.0 0 0 0 0.0 0 20 2.0 0 0 0 0); or '() for
;              GIMP's last values of the filter (the defaults in a fresh gimp-console)
; KEEP-LAYERS  1: also write NAME.xcf with the source and the new layers, to edit later; 0: not
;
; An indexed image is made RGB first. Each file prints a line "[i/n] FILE -> RESULT" or "[i/n] FILE failed"
; (GIMP prints why just before); a file that fails does not stop the others. Returns the number that failed.

(define (atelier-image-file? name)
  (let* ((dot (let find ((i (- (string-length name) 1)))
                (cond ((< i 0) #f) ((char=? (string-ref name i) #\.) i) (else (find (- i 1))))))
         (extension (if dot (string-downcase (substring name (+ dot 1) (string-length name))) "")))
    (member extension '("jpg" "jpeg" "png" "tif" "tiff" "webp" "gif" "bmp"))))

(define (atelier-base-name path)
  (let* ((slash (let find ((i (- (string-length path) 1)))
                  (cond ((< i 0) -1) ((char=? (string-ref path i) #\/) i) (else (find (- i 1))))))
         (name (substring path (+ slash 1) (string-length path)))
         (dot (let find ((i (- (string-length name) 1)))
                (cond ((<= i 0) #f) ((char=? (string-ref name i) #\.) i) (else (find (- i 1)))))))
    (if dot (substring name 0 dot) name)))

; Placeholders of the right types for the procedure's arguments after the drawable: a run with last values
; ignores them, but the PDB still wants them all.
(define (atelier-placeholder-arguments procedure)
  (let loop ((i (- (list-ref (gimp-procedural-db-proc-info procedure) 6) 1)) (arguments '()))
    (if (< i 3)
        arguments
        (let ((type (car (gimp-procedural-db-proc-arg procedure i))))
          (loop (- i 1) (cons (cond ((= type PDB-COLOR) (list 0 0 0)) ((= type PDB-STRING) "") (else 0))
                              arguments))))))

; One file: the result as OUT-DIR/NAME.png (and .xcf). Any failure is thrown to the caller's catch.
(define (atelier-replace-background-file file out-dir settings keep-layers)
  (let* ((image (car (gimp-file-load RUN-NONINTERACTIVE file file)))
         (name (atelier-base-name file))
         (png (string-append out-dir "/" name ".png"))
         (xcf (string-append out-dir "/" name ".xcf")))
    (if (= (car (gimp-image-base-type image)) INDEXED) (gimp-image-convert-rgb image))
    (let ((drawable (car (gimp-image-get-active-drawable image))))
      (apply plug-in-atelier-replace-background
             (append (list (if (null? settings) RUN-WITH-LAST-VALS RUN-NONINTERACTIVE) image drawable)
                     (if (null? settings)
                         (atelier-placeholder-arguments "plug-in-atelier-replace-background")
                         settings))))
    (if (= keep-layers 1)
        (gimp-xcf-save 0 image (car (gimp-image-get-active-drawable image)) xcf xcf))
    (let ((visible (car (gimp-image-merge-visible-layers image CLIP-TO-IMAGE))))
      (file-png-save2 RUN-NONINTERACTIVE image visible png png 0 9 0 0 0 0 0 0 0))
    (gimp-image-delete image)
    png))

(define (atelier-replace-background-folder in-dir out-dir settings keep-layers)
  (let* ((files (let keep ((all (cadr (file-glob (string-append in-dir "/*") 1))))
                  (cond ((null? all) '())
                        ((atelier-image-file? (car all)) (cons (car all) (keep (cdr all))))
                        (else (keep (cdr all))))))
         (total (length files))
         (failed 0))
    (let loop ((rest files) (i 1))
      (if (pair? rest)
          (let* ((file (car rest))
                 (label (string-append "[" (number->string i) "/" (number->string total) "] " file))
                 (result (catch #f (atelier-replace-background-file file out-dir settings keep-layers))))
            (if result
                (gimp-message (string-append label " -> " result))
                (begin (set! failed (+ failed 1)) (gimp-message (string-append label " failed"))))
            (loop (cdr rest) (+ i 1)))))
    (gimp-message (string-append "atelier: " (number->string (- total failed)) " of " (number->string total)
                                 " files done, " (number->string failed) " failed"))
    failed))
