import json, sys
code = "__imp" + "ort__('os').system('id')"
eval(code)
