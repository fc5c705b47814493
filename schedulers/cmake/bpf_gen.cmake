# Build-time helper for schedulers/CMakeLists.txt, run with `cmake -P`:
#   -DMODE=vmlinux  -DBPFTOOL=... -DIN=<vmlinux with .BTF> -DOUT=<vmlinux.h>
#   -DMODE=object   -DBPFTOOL=... -DIN=<clang output .o>  -DOUT=<linked .o>
#   -DMODE=skeleton -DBPFTOOL=... -DIN=<linked .o> -DNAME=<skel name> -DOUT=<.skel.h>
# Outputs are written to a temporary file and renamed, so an interrupted build
# never leaves a half-written header behind.
cmake_minimum_required(VERSION 3.25)

function(run_bpftool)
  execute_process(COMMAND ${BPFTOOL} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(JOIN " " cmd ${ARGN})
    message(FATAL_ERROR "bpftool ${cmd} failed (${rc}):\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

if(MODE STREQUAL "vmlinux")
  run_bpftool(btf dump file ${IN} format c)
  string(FIND "${out}" "struct sched_ext_ops {" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "${IN}: its BTF has no struct sched_ext_ops (kernel without CONFIG_SCHED_CLASS_EXT?)")
  endif()
  file(WRITE ${OUT}.tmp "${out}")
elseif(MODE STREQUAL "object")
  # Links the single object through libbpf's linker: same BTF, no DWARF, so
  # the skeleton that embeds it is ~20x smaller.
  run_bpftool(gen object ${OUT}.tmp ${IN})
elseif(MODE STREQUAL "skeleton")
  run_bpftool(gen skeleton ${IN} name ${NAME})
  # bpftool >= 7.5 fills bpf_map_skeleton.link (struct_ops auto-attach), a
  # field libbpf < 1.5's headers lack. The skeleton tells libbpf its own
  # stride (map_skel_sz), so dropping that assignment keeps it correct with
  # either version; our loaders attach struct_ops themselves.
  string(REGEX REPLACE "\n[ \t]*map->link = [^\n]*;" "" out "${out}")
  file(WRITE ${OUT}.tmp "${out}")
else()
  message(FATAL_ERROR "bpf_gen.cmake: unknown MODE '${MODE}'")
endif()
file(RENAME ${OUT}.tmp ${OUT})
