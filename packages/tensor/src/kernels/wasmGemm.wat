;; nlpkit's single-precision GEMM for WebAssembly SIMD (simd128): C = op(A) · op(B) (+ bias), row-major C.
;;
;; Hand-written, assembled by packages/tensor/scripts/buildWasmGemm.mjs (wabt) into wasmGemmBytes.ts, twice:
;; as written (memory imported `shared`, for worker threads over one SharedArrayBuffer) and with `shared`
;; removed (one thread, importing tfjs-backend-wasm's own heap, so operands are read and written in place).
;;
;; The scheme is GotoBLAS's: B is packed in blocks of kc × nc (panels of 8 columns), A in blocks of mc × kc
;; (panels of 4 rows); a 4 × 8 register tile (8 f32x4 accumulators) walks the packed panels, and a 1 × 24 tile
;; (`$rowTile`) a block of one row (a vector times a matrix). Packing reads any row and column stride, so
;; transposed operands cost nothing extra and need no copy. Edge tiles are computed in full on zero-padded panels
;; into a scratch tile and only their valid part is copied to C.
;;
;; Every address and stride is in bytes. One call of `gemm` computes rows [m0, m1) and columns [n0, n1) of C,
;; so threads split C between them and never write the same element.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; Packs rows [0, m) × depth [0, k) of A (element (i, p) at src + i*rs + p*cs) into panels of 4 rows:
  ;; panel q holds k groups of 4 floats, rows 4q .. 4q+3, zero beyond m.
  (func $packA (param $src i32) (param $rs i32) (param $cs i32) (param $m i32) (param $k i32) (param $dst i32)
    (local $i i32) (local $r i32) (local $p i32) (local $row i32) (local $at i32)
    (local.set $i (i32.const 0))
    (block $done
      (loop $panels
        (br_if $done (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $p (i32.const 0))
        (loop $depth
          (local.set $at (i32.add (local.get $src) (i32.add (i32.mul (local.get $i) (local.get $rs))
                                                            (i32.mul (local.get $p) (local.get $cs)))))
          (local.set $r (i32.const 0))
          (loop $rows
            (local.set $row (i32.add (local.get $i) (local.get $r)))
            (f32.store (local.get $dst)
              (if (result f32) (i32.lt_u (local.get $row) (local.get $m))
                (then (f32.load (local.get $at)))
                (else (f32.const 0))))
            (local.set $at (i32.add (local.get $at) (local.get $rs)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
            (br_if $rows (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (i32.const 4))))
          (br_if $depth (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $k))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $panels))))

  ;; Packs depth [0, k) × columns [0, n) of B (element (p, j) at src + p*rs + j*cs) into panels of 8 columns:
  ;; panel q holds k groups of 8 floats, columns 8q .. 8q+7, zero beyond n. Full panels of a row-major B
  ;; (cs = 4) move two vectors at a time.
  (func $packB (export "packB") (param $src i32) (param $rs i32) (param $cs i32) (param $k i32) (param $n i32) (param $dst i32)
    (local $j i32) (local $c i32) (local $p i32) (local $col i32) (local $at i32) (local $row i32)
    (local.set $j (i32.const 0))
    (block $done
      (loop $panels
        (br_if $done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $row (i32.add (local.get $src) (i32.mul (local.get $j) (local.get $cs))))
        (local.set $p (i32.const 0))
        (if (i32.and (i32.eq (local.get $cs) (i32.const 4)) (i32.le_u (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
          (then
            (loop $fast
              (v128.store (local.get $dst) (v128.load (local.get $row)))
              (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $row)))
              (local.set $row (i32.add (local.get $row) (local.get $rs)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
              (br_if $fast (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $k)))))
          (else
            (loop $depth
              (local.set $at (local.get $row))
              (local.set $c (i32.const 0))
              (loop $cols
                (local.set $col (i32.add (local.get $j) (local.get $c)))
                (f32.store (local.get $dst)
                  (if (result f32) (i32.lt_u (local.get $col) (local.get $n))
                    (then (f32.load (local.get $at)))
                    (else (f32.const 0))))
                (local.set $at (i32.add (local.get $at) (local.get $cs)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
                (br_if $cols (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (i32.const 8))))
              (local.set $row (i32.add (local.get $row) (local.get $rs)))
              (br_if $depth (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $k))))))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $panels))))

  ;; One 4 × 8 tile: C[0..4, 0..8] (row stride ldc) = init + Σ_p A[0..4, p] · B[p, 0..8] over kc ≥ 1 packed
  ;; steps. init: 0 zero, 1 the 8 bias values at $bias (same for every row), 2 C's current values (later
  ;; depth blocks accumulate).
  (func $tile (param $pa i32) (param $pb i32) (param $kc i32) (param $c i32) (param $ldc i32) (param $init i32) (param $bias i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local.set $r1 (i32.add (local.get $c) (local.get $ldc)))
    (local.set $r2 (i32.add (local.get $r1) (local.get $ldc)))
    (local.set $r3 (i32.add (local.get $r2) (local.get $ldc)))
    (if (i32.eq (local.get $init) (i32.const 1))
      (then
        (local.set $c00 (v128.load (local.get $bias)))
        (local.set $c01 (v128.load offset=16 (local.get $bias)))
        (local.set $c10 (local.get $c00)) (local.set $c11 (local.get $c01))
        (local.set $c20 (local.get $c00)) (local.set $c21 (local.get $c01))
        (local.set $c30 (local.get $c00)) (local.set $c31 (local.get $c01))))
    (if (i32.eq (local.get $init) (i32.const 2))
      (then
        (local.set $c00 (v128.load (local.get $c))) (local.set $c01 (v128.load offset=16 (local.get $c)))
        (local.set $c10 (v128.load (local.get $r1))) (local.set $c11 (v128.load offset=16 (local.get $r1)))
        (local.set $c20 (v128.load (local.get $r2))) (local.set $c21 (v128.load offset=16 (local.get $r2)))
        (local.set $c30 (v128.load (local.get $r3))) (local.set $c31 (v128.load offset=16 (local.get $r3)))))
    (loop $depth
      (local.set $b0 (v128.load (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      (local.set $a (v128.load32_splat (local.get $pa)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load32_splat offset=4 (local.get $pa)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load32_splat offset=8 (local.get $pa)))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load32_splat offset=12 (local.get $pa)))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
      (br_if $depth (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))
    (v128.store (local.get $c) (local.get $c00)) (v128.store offset=16 (local.get $c) (local.get $c01))
    (v128.store (local.get $r1) (local.get $c10)) (v128.store offset=16 (local.get $r1) (local.get $c11))
    (v128.store (local.get $r2) (local.get $c20)) (v128.store offset=16 (local.get $r2) (local.get $c21))
    (v128.store (local.get $r3) (local.get $c30)) (v128.store offset=16 (local.get $r3) (local.get $c31)))

  ;; One 1 × 24 tile (three packed B panels, $stride bytes apart): C[0, 0..24] = init + Σ_p A[0, p] · B[p, 0..24],
  ;; for a block of one row (a recurrence at batch 1: each time step's product is a vector times a matrix). Each
  ;; element is summed in the order `$tile` sums it, so a row comes out bit for bit as in a 4 × 8 tile, where a
  ;; 4 × 8 tile on one valid row would compute three rows of zeros and keep two chains of useful sums: here six
  ;; independent accumulators. Six, not eight: with eight, V8 keeps two of them in memory across iterations (it
  ;; hoists the loads, and x64 has 16 vector registers), and each of those sums waits on a store and a reload:
  ;; 1 × 32 ran at ~17 GFLOP/s, the speed of the 4 × 8 tile's useful quarter. $pa steps 16 bytes (a 4-row A panel,
  ;; rows 1-3 unused).
  (func $rowTile (param $pa i32) (param $pb i32) (param $stride i32) (param $kc i32) (param $c i32) (param $init i32) (param $bias i32)
    (local $a v128) (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128) (local $b4 v128) (local $b5 v128)
    (local $c40 v128) (local $c41 v128) (local $c42 v128) (local $c43 v128) (local $c44 v128) (local $c45 v128)
    (local $q1 i32) (local $q2 i32)
    (local.set $q1 (i32.add (local.get $pb) (local.get $stride)))
    (local.set $q2 (i32.add (local.get $q1) (local.get $stride)))
    (if (i32.eq (local.get $init) (i32.const 1))
      (then
        (local.set $c40 (v128.load offset=0 (local.get $bias))) (local.set $c41 (v128.load offset=16 (local.get $bias)))
        (local.set $c42 (v128.load offset=32 (local.get $bias))) (local.set $c43 (v128.load offset=48 (local.get $bias)))
        (local.set $c44 (v128.load offset=64 (local.get $bias))) (local.set $c45 (v128.load offset=80 (local.get $bias)))))
    (if (i32.eq (local.get $init) (i32.const 2))
      (then
        (local.set $c40 (v128.load offset=0 (local.get $c))) (local.set $c41 (v128.load offset=16 (local.get $c)))
        (local.set $c42 (v128.load offset=32 (local.get $c))) (local.set $c43 (v128.load offset=48 (local.get $c)))
        (local.set $c44 (v128.load offset=64 (local.get $c))) (local.set $c45 (v128.load offset=80 (local.get $c)))))
    (loop $depth
      (local.set $a (v128.load32_splat (local.get $pa)))
      (local.set $b0 (v128.load (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      (local.set $b2 (v128.load (local.get $q1)))
      (local.set $b3 (v128.load offset=16 (local.get $q1)))
      (local.set $b4 (v128.load (local.get $q2)))
      (local.set $b5 (v128.load offset=16 (local.get $q2)))
      (local.set $c40 (f32x4.add (local.get $c40) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c41 (f32x4.add (local.get $c41) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $c42 (f32x4.add (local.get $c42) (f32x4.mul (local.get $a) (local.get $b2))))
      (local.set $c43 (f32x4.add (local.get $c43) (f32x4.mul (local.get $a) (local.get $b3))))
      (local.set $c44 (f32x4.add (local.get $c44) (f32x4.mul (local.get $a) (local.get $b4))))
      (local.set $c45 (f32x4.add (local.get $c45) (f32x4.mul (local.get $a) (local.get $b5))))
      (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
      (local.set $q1 (i32.add (local.get $q1) (i32.const 32)))
      (local.set $q2 (i32.add (local.get $q2) (i32.const 32)))
      (br_if $depth (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))
    (v128.store offset=0 (local.get $c) (local.get $c40)) (v128.store offset=16 (local.get $c) (local.get $c41))
    (v128.store offset=32 (local.get $c) (local.get $c42)) (v128.store offset=48 (local.get $c) (local.get $c43))
    (v128.store offset=64 (local.get $c) (local.get $c44)) (v128.store offset=80 (local.get $c) (local.get $c45)))

  ;; Copies a rows × cols block of floats from (src, row stride ss) to (dst, row stride ds).
  (func $copyBlock (param $src i32) (param $ss i32) (param $dst i32) (param $ds i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32)
    (local.set $r (i32.const 0))
    (block $done
      (loop $rowLoop
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $rowDone
          (loop $colLoop
            (br_if $rowDone (i32.ge_u (local.get $c) (local.get $cols)))
            (f32.store (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2)))
                       (f32.load (i32.add (local.get $src) (i32.shl (local.get $c) (i32.const 2)))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $colLoop)))
        (local.set $src (i32.add (local.get $src) (local.get $ss)))
        (local.set $dst (i32.add (local.get $dst) (local.get $ds)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))

  ;; Rows [m0, m1) × columns [n0, n1) of C = op(A)·op(B) (+ bias) for depth K ≥ 1, reading its arguments
  ;; from the job record at $job (i32 fields, in this order):
  ;;   0 m0  1 m1  2 n0  3 n1  4 K  5 a  6 rsA  7 csA  8 b  9 rsB  10 csB  11 c  12 ldc  13 bias (0: none)
  ;;   14 packedA (mc×kc floats)  15 packedB (kc×nc floats, nc rounded up to 8)  16 scratch tile (32 floats)
  ;;   17 mc (multiple of 4)  18 nc (multiple of 8)  19 kc
  ;;   20 prepacked: 1 when packedB already holds columns [n0, n1) of B as one column block (nc ≥ n1 − n0),
  ;;      packed by `packB` one depth block after another (block p at packedB + p·roundup8(n1 − n0)·4 bytes),
  ;;      so weights reused across calls (a recurrent layer's, every time step) are packed once
  (func (export "gemm") (param $job i32)
    (local $m0 i32) (local $m1 i32) (local $n0 i32) (local $n1 i32) (local $K i32)
    (local $a i32) (local $rsA i32) (local $csA i32) (local $b i32) (local $rsB i32) (local $csB i32)
    (local $c i32) (local $ldc i32) (local $bias i32) (local $pA i32) (local $pB i32) (local $tmp i32)
    (local $MC i32) (local $NC i32) (local $KC i32)
    (local $pc i32) (local $kc i32) (local $jc i32) (local $nc i32) (local $ic i32) (local $mc i32)
    (local $jr i32) (local $ir i32) (local $rows i32) (local $cols i32) (local $init i32) (local $biasAt i32)
    (local $cAt i32) (local $pa i32) (local $pb i32) (local $prepacked i32) (local $pBlock i32)
    (local.set $m0 (i32.load offset=0 (local.get $job)))
    (local.set $m1 (i32.load offset=4 (local.get $job)))
    (local.set $n0 (i32.load offset=8 (local.get $job)))
    (local.set $n1 (i32.load offset=12 (local.get $job)))
    (local.set $K (i32.load offset=16 (local.get $job)))
    (local.set $a (i32.load offset=20 (local.get $job)))
    (local.set $rsA (i32.load offset=24 (local.get $job)))
    (local.set $csA (i32.load offset=28 (local.get $job)))
    (local.set $b (i32.load offset=32 (local.get $job)))
    (local.set $rsB (i32.load offset=36 (local.get $job)))
    (local.set $csB (i32.load offset=40 (local.get $job)))
    (local.set $c (i32.load offset=44 (local.get $job)))
    (local.set $ldc (i32.load offset=48 (local.get $job)))
    (local.set $bias (i32.load offset=52 (local.get $job)))
    (local.set $pA (i32.load offset=56 (local.get $job)))
    (local.set $pB (i32.load offset=60 (local.get $job)))
    (local.set $tmp (i32.load offset=64 (local.get $job)))
    (local.set $MC (i32.load offset=68 (local.get $job)))
    (local.set $NC (i32.load offset=72 (local.get $job)))
    (local.set $KC (i32.load offset=76 (local.get $job)))
    (local.set $prepacked (i32.load offset=80 (local.get $job)))
    (if (i32.or (i32.ge_u (local.get $m0) (local.get $m1)) (i32.ge_u (local.get $n0) (local.get $n1))) (then (return)))
    ;; depth blocks
    (local.set $pc (i32.const 0))
    (loop $depthBlocks
      (local.set $kc (select (local.get $KC) (i32.sub (local.get $K) (local.get $pc))
                             (i32.lt_u (local.get $KC) (i32.sub (local.get $K) (local.get $pc)))))
      ;; column blocks
      (local.set $jc (local.get $n0))
      (loop $colBlocks
        (local.set $nc (select (local.get $NC) (i32.sub (local.get $n1) (local.get $jc))
                               (i32.lt_u (local.get $NC) (i32.sub (local.get $n1) (local.get $jc)))))
        (if (local.get $prepacked)
          (then
            (local.set $pBlock (i32.add (local.get $pB)
              (i32.shl (i32.mul (local.get $pc) (i32.and (i32.add (local.get $nc) (i32.const 7)) (i32.const -8))) (i32.const 2)))))
          (else
            (local.set $pBlock (local.get $pB))
            (call $packB
              (i32.add (local.get $b) (i32.add (i32.mul (local.get $pc) (local.get $rsB)) (i32.mul (local.get $jc) (local.get $csB))))
              (local.get $rsB) (local.get $csB) (local.get $kc) (local.get $nc) (local.get $pB))))
        ;; row blocks
        (local.set $ic (local.get $m0))
        (loop $rowBlocks
          (local.set $mc (select (local.get $MC) (i32.sub (local.get $m1) (local.get $ic))
                                 (i32.lt_u (local.get $MC) (i32.sub (local.get $m1) (local.get $ic)))))
          (call $packA
            (i32.add (local.get $a) (i32.add (i32.mul (local.get $ic) (local.get $rsA)) (i32.mul (local.get $pc) (local.get $csA))))
            (local.get $rsA) (local.get $csA) (local.get $mc) (local.get $kc) (local.get $pA))
          (local.set $init
            (if (result i32) (i32.ne (local.get $pc) (i32.const 0))
              (then (i32.const 2))
              (else (if (result i32) (i32.ne (local.get $bias) (i32.const 0)) (then (i32.const 1)) (else (i32.const 0))))))
          (local.set $jr (i32.const 0))
          ;; a block of one row: 24 columns at a time by $rowTile, straight into C
          (if (i32.eq (local.get $mc) (i32.const 1))
            (then
              (block $rowDone
                (loop $rowPanels
                  (br_if $rowDone (i32.gt_u (i32.add (local.get $jr) (i32.const 24)) (local.get $nc)))
                  (call $rowTile (local.get $pA)
                                 (i32.add (local.get $pBlock) (i32.mul (i32.shl (local.get $jr) (i32.const 2)) (local.get $kc)))
                                 (i32.shl (local.get $kc) (i32.const 5)) (local.get $kc)
                                 (i32.add (local.get $c) (i32.add (i32.mul (local.get $ic) (local.get $ldc))
                                                                  (i32.shl (i32.add (local.get $jc) (local.get $jr)) (i32.const 2))))
                                 (local.get $init)
                                 (i32.add (local.get $bias) (i32.shl (i32.add (local.get $jc) (local.get $jr)) (i32.const 2))))
                  (local.set $jr (i32.add (local.get $jr) (i32.const 24)))
                  (br $rowPanels)))))
          ;; micro-panels of B (8 columns) × micro-panels of A (4 rows)
          (if (i32.lt_u (local.get $jr) (local.get $nc)) (then
          (loop $colTiles
            (local.set $cols (select (i32.const 8) (i32.sub (local.get $nc) (local.get $jr))
                                     (i32.lt_u (i32.const 8) (i32.sub (local.get $nc) (local.get $jr)))))
            (local.set $pb (i32.add (local.get $pBlock) (i32.mul (i32.shl (local.get $jr) (i32.const 2)) (local.get $kc))))
            (local.set $biasAt (i32.add (local.get $bias) (i32.shl (i32.add (local.get $jc) (local.get $jr)) (i32.const 2))))
            (local.set $ir (i32.const 0))
            (loop $rowTiles
              (local.set $rows (select (i32.const 4) (i32.sub (local.get $mc) (local.get $ir))
                                       (i32.lt_u (i32.const 4) (i32.sub (local.get $mc) (local.get $ir)))))
              (local.set $pa (i32.add (local.get $pA) (i32.mul (i32.shl (local.get $ir) (i32.const 2)) (local.get $kc))))
              (local.set $cAt (i32.add (local.get $c)
                (i32.add (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $ldc))
                         (i32.shl (i32.add (local.get $jc) (local.get $jr)) (i32.const 2)))))
              (if (i32.and (i32.eq (local.get $rows) (i32.const 4)) (i32.eq (local.get $cols) (i32.const 8)))
                (then
                  (call $tile (local.get $pa) (local.get $pb) (local.get $kc) (local.get $cAt) (local.get $ldc)
                              (local.get $init) (local.get $biasAt)))
                (else
                  (if (i32.eq (local.get $init) (i32.const 2))
                    (then (call $copyBlock (local.get $cAt) (local.get $ldc) (local.get $tmp) (i32.const 32)
                                           (local.get $rows) (local.get $cols))))
                  (call $tile (local.get $pa) (local.get $pb) (local.get $kc) (local.get $tmp) (i32.const 32)
                              (local.get $init) (local.get $biasAt))
                  (call $copyBlock (local.get $tmp) (i32.const 32) (local.get $cAt) (local.get $ldc)
                                   (local.get $rows) (local.get $cols))))
              (br_if $rowTiles (i32.lt_u (local.tee $ir (i32.add (local.get $ir) (i32.const 4))) (local.get $mc))))
            (br_if $colTiles (i32.lt_u (local.tee $jr (i32.add (local.get $jr) (i32.const 8))) (local.get $nc))))))
          (br_if $rowBlocks (i32.lt_u (local.tee $ic (i32.add (local.get $ic) (local.get $MC))) (local.get $m1))))
        (br_if $colBlocks (i32.lt_u (local.tee $jc (i32.add (local.get $jc) (local.get $NC))) (local.get $n1))))
      (br_if $depthBlocks (i32.lt_u (local.tee $pc (i32.add (local.get $pc) (local.get $KC))) (local.get $K)))))
)
